//! The address bar: reading the callback query, scrubbing it, leaving for the provider.

use wasm_bindgen::JsValue;

use crate::error::BrowserError;

/// The current query string, with its leading `?` (or empty).
pub fn current_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Replaces the current history entry's URL with `path` without loading anything, so
/// the code and state leave the address bar, the history and any later Referer.
pub fn replace_url(path: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(path));
    }
}

/// Sends the browser to another page (the provider's authorize URL).
///
/// # Errors
/// [`BrowserError::Navigation`] if the browser refuses.
pub fn assign(url: &str) -> Result<(), BrowserError> {
    web_sys::window()
        .ok_or(BrowserError::Navigation)?
        .location()
        .assign(url)
        .map_err(|_| BrowserError::Navigation)
}

thread_local! {
    /// Whether a silent sign-in of this page is leaving it for the provider.
    static LEAVING_SILENTLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Claims the page's one top-level silent redirect: false when another provider of
/// the page claimed it already. Given back by [`stay_after_all`].
pub fn claim_silent_departure() -> bool {
    !LEAVING_SILENTLY.with(|l| l.replace(true))
}

/// Gives the claim back: the redirect did not leave, or the page came back from the
/// back/forward cache.
pub fn stay_after_all() {
    LEAVING_SILENTLY.with(|l| l.set(false));
}

/// The current path, such as `/callback`.
pub fn current_path() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// The page's origin, such as `http://127.0.0.1:8080`.
pub fn current_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// True when this page runs inside a frame of another page.
pub fn is_framed() -> bool {
    web_sys::window().is_some_and(|w| match w.parent() {
        Ok(Some(parent)) => !js_sys::Object::is(&parent, &w),
        _ => false,
    })
}

/// Calls `on_restored` whenever the browser shows this page again from its
/// back/forward cache (`pageshow` with `persisted`): the page's memory is as it was
/// when it left, for the page's life.
pub fn on_restored_from_cache(on_restored: impl Fn() + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = Closure::<dyn Fn(web_sys::PageTransitionEvent)>::new(
        move |event: web_sys::PageTransitionEvent| {
            if event.persisted() {
                on_restored();
            }
        },
    );
    let _ = window.add_event_listener_with_callback("pageshow", listener.as_ref().unchecked_ref());
    listener.forget();
}
