//! HTTP with fetch (gloo-net): the configuration file and the token endpoint.

use gloo_net::http::Request;
use web_sys::{AbortSignal, RequestCredentials};

use super::error::BrowserError;
use crate::auth::config::{AuthConfig, ConfigError};

/// How long a request may take before the app gives up and says so.
pub const REQUEST_TIMEOUT_MS: u32 = 20_000;

/// Why `/config.json` could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigLoadError {
    /// The request failed.
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// The server answered with an error status.
    #[error("/config.json could not be loaded (HTTP {0})")]
    Status(u16),
    /// The file is there but unusable.
    #[error(transparent)]
    Invalid(#[from] ConfigError),
}

/// An HTTP answer: status and body text.
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The body as text.
    pub body: String,
}

fn timeout_signal() -> Option<AbortSignal> {
    Some(AbortSignal::timeout_with_u32(REQUEST_TIMEOUT_MS))
}

fn failure(url: &str, error: &gloo_net::Error, signal: Option<&AbortSignal>) -> BrowserError {
    let _ = error; // the message adds nothing a user can act on
    let origin = url.split('/').take(3).collect::<Vec<_>>().join("/");
    if signal.is_some_and(AbortSignal::aborted) {
        BrowserError::Timeout(origin)
    } else {
        BrowserError::Network(origin)
    }
}

/// Loads and parses `/config.json` from the app's own origin.
///
/// # Errors
/// A [`ConfigLoadError`] naming what is wrong.
pub async fn load_config(origin: &str) -> Result<AuthConfig, ConfigLoadError> {
    let url = format!("{origin}/config.json");
    let signal = timeout_signal();
    let response = Request::get(&url)
        .cache(web_sys::RequestCache::NoCache)
        .abort_signal(signal.as_ref())
        .send()
        .await
        .map_err(|e| failure(&url, &e, signal.as_ref()))?;
    if !response.ok() {
        return Err(ConfigLoadError::Status(response.status()));
    }
    let text = response
        .text()
        .await
        .map_err(|e| failure(&url, &e, signal.as_ref()))?;
    Ok(AuthConfig::from_json(&text, origin)?)
}

/// POSTs a form-encoded body (a token request), without cookies.
///
/// # Errors
/// [`BrowserError::Network`] or [`BrowserError::Timeout`] when no answer arrives.
pub async fn post_form(url: &str, body: String) -> Result<HttpResponse, BrowserError> {
    let signal = timeout_signal();
    let response = Request::post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .credentials(RequestCredentials::Omit)
        .abort_signal(signal.as_ref())
        .body(body)
        .map_err(|e| failure(url, &e, None))?
        .send()
        .await
        .map_err(|e| failure(url, &e, signal.as_ref()))?;
    let status = response.status();
    let body = response
        .text()
        .await
        .map_err(|e| failure(url, &e, signal.as_ref()))?;
    Ok(HttpResponse { status, body })
}
