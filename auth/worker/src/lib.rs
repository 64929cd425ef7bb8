//! The token-mediation service worker's module: the entry points its script
//! (`token-worker.js`, beside the app's files) hands the worker's events to. The
//! logic is `leptos_pkce_auth::token_worker`, on the same protocol core as the page.

#![cfg(target_arch = "wasm32")]

use leptos_pkce_auth::token_worker;
use wasm_bindgen::prelude::*;
use web_sys::{Client, Request, Response};

/// Reads the configuration and the providers' metadata; resolves once the worker can
/// serve, rejects with the reason (tried again at the next event).
#[wasm_bindgen]
pub async fn ready() -> Result<(), JsValue> {
    token_worker::ready()
        .await
        .map_err(|error| JsValue::from_str(&error.to_string()))
}

/// A page's message (`event.data`) from `source`.
#[wasm_bindgen(js_name = onMessage)]
pub async fn on_message(source: Client, data: JsValue) {
    token_worker::on_message(source, data).await;
}

/// 0: leave the request to the browser; 1: answer it with [`respond`]; 2: the worker
/// is not set up yet, answer it with [`respond`].
#[wasm_bindgen]
pub fn decide(url: &str, method: &str, navigation: bool) -> u8 {
    token_worker::decide(url, method, navigation) as u8
}

/// The answer to a request [`decide`] handed over.
#[wasm_bindgen]
pub async fn respond(request: Request) -> Result<Response, JsValue> {
    token_worker::respond(request).await
}
