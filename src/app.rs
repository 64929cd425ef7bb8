//! The application root: loads `/config.json`, provides the auth context, routes.

use leptos::prelude::*;
use leptos_pkce_auth::{provide_auths, HandleCallback};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::busy::Busy;
use crate::components::fetched::Fetched;
use crate::components::header::Header;
use crate::config::{AppConfig, AppSettings};
use crate::config_load::load_config;
use crate::pages::lazy::{
    LazyApiPage, LazyLoginPage, LazyProviderOnlyPage, LazyProvidersPage, LazyUserInfoPage,
};
use crate::pages::{
    callback::CallbackFailed, config_error::ConfigErrorPage, home::HomePage,
    not_found::NotFoundPage, profile::ProfilePage,
};

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
    provide_auths(config.auth);
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
                        <Route path=path!("/providers") view=LazyProvidersPage/>
                        <Route path=path!("/providers/:name") view=LazyProviderOnlyPage/>
                    </Routes>
                </HandleCallback>
            </main>
        </Router>
    }
}
