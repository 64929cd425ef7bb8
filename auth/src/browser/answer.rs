//! Waiting for the provider's answer that the static silent-callback page hands to the
//! app, from the hidden iframe of a silent sign-in or the popup of a popup login. One
//! filter for both: a message counts only when it comes from this origin, from that
//! very window (`Object.is` on its source), with the expected shape, for that very
//! login (its `state`: two logins waiting at once never take each other's answer);
//! anything else is ignored. The answer then goes through every login check
//! (`flow::complete_login`).
//!
//! And the other end: where the server answers `silent_redirect_uri` with the app itself
//! (no static page there, only the single-page fallback), the app plays the static
//! page's part ([`hand_over_as_silent_page`]).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Window};

use oidc_browser_core::session::silent::{answers_login, MESSAGE_TYPE};

/// The silent-callback page's part, played by the app where the server answered
/// `silent_redirect_uri` with it: hands this page's query to the window that framed
/// it (a silent sign-in) or opened it (a popup login), on this origin only, exactly
/// as `silent-callback.js` does. The receiving end filters it as any answer (origin,
/// source window, `state`). False when there is no such window (someone opened the
/// path by hand).
pub fn hand_over_as_silent_page() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let location = window.location();
    let (Ok(origin), Ok(query)) = (location.origin(), location.search()) else {
        return false;
    };
    let target: Option<Window> = if crate::browser::navigation::is_framed() {
        window.parent().ok().flatten()
    } else {
        window
            .opener()
            .ok()
            .filter(|opener| !opener.is_null() && !opener.is_undefined())
            .map(JsCast::unchecked_into::<Window>)
            .filter(|opener| opener.closed() == Ok(false))
    };
    let Some(target) = target else {
        return false;
    };
    let message = Object::new();
    let _ = Reflect::set(&message, &"type".into(), &MESSAGE_TYPE.into());
    let _ = Reflect::set(&message, &"query".into(), &query.into());
    target.post_message(&message, &origin).is_ok()
}

/// How often the wait checks whether the window is gone.
const CLOSED_POLL_MS: i32 = 400;

/// How the wait ended.
pub enum Outcome {
    /// The query of the provider's answer.
    Answer(String),
    /// The window is gone (the user closed the popup).
    Closed,
    /// Nothing came within the time allowed.
    TimedOut,
}

/// Waits for the silent-callback page's message from `source()` (the window it must
/// come from, read when a message arrives) answering the login of `state`, until
/// `closed()` says that window is gone (checked every 400 ms), or for `timeout_ms`.
/// Start it once the window is loading: the listener is in place before any message
/// can be delivered.
pub async fn wait(
    state: String,
    source: impl Fn() -> Option<Window> + 'static,
    closed: impl Fn() -> bool + 'static,
    timeout_ms: u32,
) -> Outcome {
    let Some(window) = web_sys::window() else {
        return Outcome::Closed;
    };
    let origin = window.location().origin().unwrap_or_default();
    let outcome: Rc<RefCell<Option<Outcome>>> = Rc::default();
    let settle: Rc<RefCell<Option<Function>>> = Rc::default();
    let finish = {
        let (outcome, settle) = (outcome.clone(), settle.clone());
        move |value: Outcome| {
            if let Some(resolve) = settle.borrow_mut().take() {
                *outcome.borrow_mut() = Some(value);
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        }
    };
    let on_message = {
        let finish = finish.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let from_source = match (event.source(), source()) {
                (Some(sender), Some(expected)) => Object::is(&sender, &expected),
                _ => false,
            };
            if event.origin() != origin || !from_source {
                return;
            }
            let data = event.data();
            let field = |name: &str| Reflect::get(&data, &name.into()).ok();
            let kind = field("type").and_then(|v| v.as_string());
            let query = field("query").and_then(|v| v.as_string());
            if let (Some(MESSAGE_TYPE), Some(query)) = (kind.as_deref(), query) {
                if answers_login(&query, &state) {
                    finish(Outcome::Answer(query));
                }
            }
        })
    };
    let on_tick = {
        let finish = finish.clone();
        Closure::<dyn FnMut()>::new(move || {
            if closed() {
                finish(Outcome::Closed);
            }
        })
    };
    let on_timeout = Closure::<dyn FnMut()>::new(move || finish(Outcome::TimedOut));
    let done = Promise::new(&mut |resolve: Function, _| {
        *settle.borrow_mut() = Some(resolve);
    });
    let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    let tick = window
        .set_interval_with_callback_and_timeout_and_arguments_0(
            on_tick.as_ref().unchecked_ref(),
            CLOSED_POLL_MS,
        )
        .unwrap_or_default();
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            on_timeout.as_ref().unchecked_ref(),
            i32::try_from(timeout_ms).unwrap_or(i32::MAX),
        )
        .unwrap_or_default();
    let _ = JsFuture::from(done).await;
    let _ =
        window.remove_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    window.clear_interval_with_handle(tick);
    window.clear_timeout_with_handle(timer);
    let ended = outcome.borrow_mut().take();
    ended.unwrap_or(Outcome::Closed)
}
