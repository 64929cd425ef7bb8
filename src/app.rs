//! The application root: loads `/config.json`, provides the auth context, routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::auth::browser::{http, navigation};
use crate::auth::config::AuthConfig;
use crate::auth::context::provide_auth;
use crate::components::fetched::Fetched;
use crate::components::header::Header;
use crate::pages::{
    api::ApiPage,
    callback::{CallbackPage, FinishLoginFirst},
    config_error::ConfigErrorPage,
    home::HomePage,
    login::LoginPage,
    not_found::NotFoundPage,
    profile::ProfilePage,
    userinfo::UserInfoPage,
};

/// The whole app: the configuration first, then the signed-in shell.
#[component]
pub fn App() -> impl IntoView {
    let config = Fetched::new(|| {
        let origin = navigation::origin();
        async move { http::load_config(&origin).await }
    });
    move || match config.get() {
        None => view! { <p class="page-status" role="status">"Loading…"</p> }.into_any(),
        Some(Ok(config)) => view! { <Shell config/> }.into_any(),
        Some(Err(error)) => view! { <ConfigErrorPage error/> }.into_any(),
    }
}

/// The app with its configuration: auth context, header and routes.
#[component]
pub fn Shell(config: AuthConfig) -> impl IntoView {
    provide_auth(config);
    view! {
        <Router>
            <Header/>
            <main id="main">
                <FinishLoginFirst>
                    <Routes fallback=NotFoundPage>
                        <Route path=path!("/") view=HomePage/>
                        <Route path=path!("/profile") view=ProfilePage/>
                        <Route path=path!("/callback") view=CallbackPage/>
                        <Route path=path!("/login") view=LoginPage/>
                        <Route path=path!("/userinfo") view=UserInfoPage/>
                        <Route path=path!("/api") view=ApiPage/>
                    </Routes>
                </FinishLoginFirst>
            </main>
        </Router>
    }
}
