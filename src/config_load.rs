//! Loading `/config.json`: the app's one entry point to its configuration, which hands
//! the library its fields and the app its own ([`AppConfig`]).

use gloo_net::http::Request;
use leptos_pkce_auth::ProvidersError;
use web_sys::{AbortSignal, RequestCredentials};

use crate::config::AppConfig;

/// How long loading `/config.json` may take before the app says so.
const CONFIG_TIMEOUT_MS: u32 = 20_000;

/// Why `/config.json` could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigLoadError {
    /// The request failed or timed out.
    #[error("/config.json could not be loaded; check your connection and reload")]
    Network,
    /// The server answered with an error status.
    #[error("/config.json could not be loaded (HTTP {0})")]
    Status(u16),
    /// The file is there but unusable.
    #[error(transparent)]
    Invalid(#[from] ProvidersError),
}

/// Loads and parses `/config.json` from the app's own origin.
///
/// # Errors
/// A [`ConfigLoadError`] naming what is wrong.
pub async fn load_config(origin: &str) -> Result<AppConfig, ConfigLoadError> {
    // Same mode and credentials as index.html's <link rel="preload">, so the browser
    // hands over the preloaded answer; nginx marks the file no-cache.
    let url = format!("{origin}/config.json");
    let signal = AbortSignal::timeout_with_u32(CONFIG_TIMEOUT_MS);
    let response = Request::get(&url)
        .credentials(RequestCredentials::SameOrigin)
        .abort_signal(Some(&signal))
        .send()
        .await
        .map_err(|_| ConfigLoadError::Network)?;
    if !response.ok() {
        return Err(ConfigLoadError::Status(response.status()));
    }
    let text = response
        .text()
        .await
        .map_err(|_| ConfigLoadError::Network)?;
    Ok(AppConfig::from_json(&text, origin)?)
}
