//! HTTP with fetch (gloo-net): discovery, keys, the token endpoint, and calls with
//! the access token.

use gloo_net::http::{Request, RequestBuilder};
use web_sys::{AbortSignal, RequestCredentials};

use crate::error::BrowserError;
use crate::secret::AccessToken;

/// How long a request may take before the app gives up and says so.
pub const REQUEST_TIMEOUT_MS: u32 = 20_000;

/// An HTTP answer: status and body text. No `Debug`: a token endpoint's body holds
/// tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The body as text.
    pub body: String,
}

fn failure(url: &str, signal: &AbortSignal) -> BrowserError {
    // gloo's message adds nothing a user can act on; the origin says where.
    let origin = url.split('/').take(3).collect::<Vec<_>>().join("/");
    if signal.aborted() {
        BrowserError::Timeout(origin)
    } else {
        BrowserError::Network(origin)
    }
}

/// Sends a request, giving up after [`REQUEST_TIMEOUT_MS`], and reads the whole answer.
async fn send(
    url: &str,
    request: RequestBuilder,
    body: Option<String>,
) -> Result<HttpResponse, BrowserError> {
    let signal = AbortSignal::timeout_with_u32(REQUEST_TIMEOUT_MS);
    let request = request.abort_signal(Some(&signal));
    let request = match body {
        Some(body) => request.body(body),
        None => request.build(),
    }
    .map_err(|_| failure(url, &signal))?;
    let response = request.send().await.map_err(|_| failure(url, &signal))?;
    let status = response.status();
    let body = response.text().await.map_err(|_| failure(url, &signal))?;
    Ok(HttpResponse { status, body })
}

/// GETs `url` without cookies, with `Authorization: Bearer` when a token is given.
///
/// # Errors
/// [`BrowserError::Network`] or [`BrowserError::Timeout`] when no answer arrives.
pub async fn get(url: &str, bearer: Option<&AccessToken>) -> Result<HttpResponse, BrowserError> {
    let mut request = Request::get(url).credentials(RequestCredentials::Omit);
    if let Some(token) = bearer {
        request = request.header("Authorization", &format!("Bearer {}", token.secret()));
    }
    send(url, request, None).await
}

/// POSTs a form-encoded body (a token request), without cookies.
///
/// # Errors
/// [`BrowserError::Network`] or [`BrowserError::Timeout`] when no answer arrives.
pub async fn post_form(url: &str, body: String) -> Result<HttpResponse, BrowserError> {
    let request = Request::post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .credentials(RequestCredentials::Omit);
    send(url, request, Some(body)).await
}
