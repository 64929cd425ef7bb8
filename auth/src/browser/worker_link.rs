//! The page's end of the token worker (`token_mediation`): registers it, speaks to
//! it, hears it. Only messages from this page's controller are heard, and only the
//! protocol's own, read whole (`mediation::protocol`); the decisions are the core's
//! (`mediation::lifecycle`, `mediation::page`).

use js_sys::{Function, Object, Promise};
use oidc_browser_core::mediation::protocol::{ToPage, ToWorker};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlIFrameElement, MessageEvent, ServiceWorkerContainer};

/// Where the worker's script is served (the app's root, so its scope is the whole
/// app): `cargo xtask build` puts it there.
pub const SCRIPT: &str = "/token-worker.js";

/// `navigator.serviceWorker`, where the browser has it (not in Firefox's private
/// windows, nor on an insecure origin).
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    let value = js_sys::Reflect::get(&navigator, &"serviceWorker".into()).ok()?;
    value.dyn_into().ok()
}

/// True where the browser has service workers for this page.
pub fn available() -> bool {
    container().is_some()
}

/// True when the browser has an active worker for this page although none controls
/// it: the page was loaded past it (a Shift+Reload), and a plain reload puts it back
/// under the worker.
pub async fn passed_over() -> bool {
    let Some(container) = container() else {
        return false;
    };
    if container.controller().is_some() {
        return false;
    }
    match JsFuture::from(container.get_registration()).await {
        Ok(found) => {
            js_sys::Reflect::get(&found, &"active".into()).is_ok_and(|active| active.is_object())
        }
        Err(_) => false,
    }
}

/// Registers the worker and waits, at most `wait_ms`, until it controls this page:
/// `false` when there is no worker to use (none in this browser or window, a refused
/// registration, or none in time).
pub async fn controlled(wait_ms: i32) -> bool {
    let Some(container) = container() else {
        return false;
    };
    let registration = container.register(SCRIPT);
    if container.controller().is_some() {
        // Registering again looks for a new version, in the background: the page is
        // controlled now.
        return true;
    }
    let settled = Promise::new(&mut |resolve: Function, _| {
        let _ = container.add_event_listener_with_callback("controllerchange", &resolve);
        // A refused registration settles at once.
        let refused = resolve.clone();
        let registering = JsFuture::from(registration.clone());
        wasm_bindgen_futures::spawn_local(async move {
            if registering.await.is_err() {
                let _ = refused.call0(&JsValue::NULL);
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, wait_ms);
        }
    });
    let _ = JsFuture::from(settled).await;
    container.controller().is_some()
}

/// Sends `message` to this page's worker; `false` when no worker controls the page.
pub fn send(message: &ToWorker) -> bool {
    let Some(controller) = container().and_then(|c| c.controller()) else {
        return false;
    };
    controller
        .post_message(&JsValue::from_str(&message.to_json()))
        .is_ok()
}

/// Calls `heard` with each message of this page's controller, for the page's life.
/// Anything else (a message of another worker, one not of the protocol) is dropped.
pub fn listen(heard: impl Fn(ToPage) + 'static) {
    let Some(container) = container() else {
        return;
    };
    let own = container.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let from_controller = match (event.source(), own.controller()) {
            (Some(source), Some(controller)) => Object::is(&source, &controller),
            _ => false,
        };
        let text = event.data().as_string();
        if let (true, Some(text)) = (from_controller, text) {
            if let Ok(message) = ToPage::from_json(&text) {
                heard(message);
            }
        }
    });
    let _ =
        container.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    on_message.forget();
    // Messages wait in a queue until the page says it listens (`startMessages`, which
    // this web-sys does not bind).
    if let Ok(start) = js_sys::Reflect::get(&container, &"startMessages".into()) {
        if let Some(start) = start.dyn_ref::<Function>() {
            let _ = start.call0(&container);
        }
    }
}

/// Calls `changed` each time another worker takes over this page (a new version).
pub fn on_controller_change(changed: impl Fn() + 'static) {
    let Some(container) = container() else {
        return;
    };
    let on_change = Closure::<dyn Fn()>::new(changed);
    let _ = container
        .add_event_listener_with_callback("controllerchange", on_change.as_ref().unchecked_ref());
    on_change.forget();
}

/// Loads `url` (a silent sign-in through the worker) in a hidden frame, replacing an
/// earlier one; the worker takes its answer and tells every page.
pub fn open_silent_frame(url: &str) {
    const ID: &str = "leptos-pkce-worker-silent";
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(earlier) = document.get_element_by_id(ID) {
        earlier.remove();
    }
    let Some(frame) = document
        .create_element("iframe")
        .ok()
        .and_then(|element| element.dyn_into::<HtmlIFrameElement>().ok())
    else {
        return;
    };
    frame.set_id(ID);
    let _ = frame.set_attribute("hidden", "");
    let _ = frame.set_attribute("aria-hidden", "true");
    let _ = frame.set_attribute("tabindex", "-1");
    frame.set_src(url);
    if let Some(body) = document.body() {
        let _ = body.append_child(&frame);
    }
}

/// Removes the silent sign-in's frame, if any.
pub fn close_silent_frame() {
    if let Some(frame) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("leptos-pkce-worker-silent"))
    {
        frame.remove();
    }
}
