//! The answer of a call made with the access token: status and body, or the error.

use leptos::prelude::*;
use leptos_pkce_auth::{AuthError, HttpResponse};
use wasm_bindgen::JsValue;

/// Shows a response (JSON pretty-printed) or why there is none.
#[component]
pub fn HttpResult(result: Result<HttpResponse, AuthError>) -> impl IntoView {
    match result {
        Ok(response) => {
            let body = pretty_json(&response.body).unwrap_or(response.body);
            view! {
                <p>"HTTP status " <strong data-testid="http-status">{response.status}</strong></p>
                <pre class="response" data-testid="http-body">{body}</pre>
            }
            .into_any()
        }
        Err(error) => view! {
            <p class="error" role="alert" data-testid="http-error">{error.to_string()}</p>
        }
        .into_any(),
    }
}

/// `text` indented by the browser's own JSON, or `None` when it is not JSON. (Display
/// only: nothing here is trusted, and the wasm needs no pretty-printer of its own.)
fn pretty_json(text: &str) -> Option<String> {
    let value = js_sys::JSON::parse(text).ok()?;
    js_sys::JSON::stringify_with_replacer_and_space(&value, &JsValue::NULL, &JsValue::from(2))
        .ok()?
        .as_string()
}
