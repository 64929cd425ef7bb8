//! The application root: loads `/config.json`, provides the auth context, routes.

use gloo_net::http::Request;
use leptos::prelude::*;
use leptos_pkce_auth::{provide_auth, ConfigError, HandleCallback};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use web_sys::{AbortSignal, RequestCredentials};

use crate::components::busy::Busy;
use crate::components::fetched::Fetched;
use crate::components::header::Header;
use crate::config::{AppConfig, AppSettings};
use crate::pages::lazy::{LazyApiPage, LazyLoginPage, LazyUserInfoPage};
use crate::pages::{
    callback::CallbackFailed, config_error::ConfigErrorPage, home::HomePage,
    not_found::NotFoundPage, profile::ProfilePage,
};

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
    Invalid(#[from] ConfigError),
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

/// The whole app: the configuration first, then the signed-in shell.
#[component]
pub fn App() -> impl IntoView {
    let config = Fetched::new(|| {
        let origin = window().location().origin().unwrap_or_default();
        async move { load_config(&origin).await }
    });
    move || match config.get() {
        None => view! { <p class="page-status" role="status">"Loading…"</p> }.into_any(),
        Some(Ok(config)) => view! { <Shell config/> }.into_any(),
        Some(Err(error)) => view! { <ConfigErrorPage error/> }.into_any(),
    }
}

/// The app with its configuration: auth context, header and routes.
#[component]
pub fn Shell(config: AppConfig) -> impl IntoView {
    provide_auth(config.auth);
    provide_context::<AppSettings>(config.settings);
    view! {
        <Router>
            <Header/>
            <main id="main">
                <HandleCallback
                    pending=|| view! { <Busy message="Signing you in…"/> }
                    failed=CallbackFailed
                >
                    <Routes fallback=NotFoundPage>
                        <Route path=path!("/") view=HomePage/>
                        <Route path=path!("/profile") view=ProfilePage/>
                        <Route path=path!("/login") view=LazyLoginPage/>
                        <Route path=path!("/userinfo") view=LazyUserInfoPage/>
                        <Route path=path!("/api") view=LazyApiPage/>
                    </Routes>
                </HandleCallback>
            </main>
        </Router>
    }
}

/// This app's own settings (`api_url`, `connections`), provided by [`Shell`].
///
/// # Panics
/// Outside [`Shell`]: a wiring mistake.
pub fn use_settings() -> AppSettings {
    use_context::<AppSettings>().expect("use_settings() needs the Shell's context")
}
