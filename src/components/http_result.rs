//! The answer of a call made with the access token: status and body, or the error.

use leptos::prelude::*;

use crate::auth::browser::flow::LoginError;
use crate::auth::browser::http::HttpResponse;

/// Shows a response (JSON pretty-printed) or why there is none.
#[component]
pub fn HttpResult(result: Result<HttpResponse, LoginError>) -> impl IntoView {
    match result {
        Ok(response) => {
            let body = serde_json::from_str::<serde_json::Value>(&response.body)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or(response.body);
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
