//! Sending to the pages: one, or every window of the app.

use oidc_browser_core::mediation::protocol::ToPage;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Client, ClientQueryOptions, ClientType, ServiceWorkerGlobalScope};

/// Sends `message` to one page.
pub(super) fn post(client: &Client, message: &ToPage) {
    let _ = client.post_message(&JsValue::from_str(&message.to_json()));
}

/// Sends `message` to every page of the app (controlled or not yet).
pub(super) fn broadcast(message: &ToPage) {
    let text = JsValue::from_str(&message.to_json());
    let scope: ServiceWorkerGlobalScope = js_sys::global().unchecked_into();
    let options = ClientQueryOptions::new();
    options.set_include_uncontrolled(true);
    options.set_type(ClientType::Window);
    let matching = scope.clients().match_all_with_options(&options);
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(clients) = JsFuture::from(matching).await else {
            return;
        };
        for client in js_sys::Array::from(&clients).iter() {
            if let Ok(client) = client.dyn_into::<Client>() {
                let _ = client.post_message(&text);
            }
        }
    });
}
