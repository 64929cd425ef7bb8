//! The pages the first load does not need, each in its own wasm chunk in the split
//! release build (see `leptos_pkce_auth::lazy`); the routes name these.

use leptos::prelude::*;
use leptos_pkce_auth::{lazy_fn, LazyView};

use crate::components::busy::Busy;
use crate::pages::providers::{ProviderOnlyPage, ProvidersPage};
use crate::pages::{api::ApiPage, login::LoginPage, userinfo::UserInfoPage};

lazy_fn! {
    chunk api_page, preload preload_api_page;
    fn api_view() -> AnyView {
        view! { <ApiPage/> }.into_any()
    }
}

lazy_fn! {
    chunk userinfo_page, preload preload_userinfo_page;
    fn userinfo_view() -> AnyView {
        view! { <UserInfoPage/> }.into_any()
    }
}

lazy_fn! {
    chunk login_page, preload preload_login_page;
    fn login_view() -> AnyView {
        view! { <LoginPage/> }.into_any()
    }
}

lazy_fn! {
    chunk providers_page, preload preload_providers_page;
    fn providers_view() -> AnyView {
        view! { <ProvidersPage/> }.into_any()
    }
}

lazy_fn! {
    chunk providers_page, preload preload_provider_only_page;
    fn provider_only_view() -> AnyView {
        view! { <ProviderOnlyPage/> }.into_any()
    }
}

/// `/providers`, loaded on first visit.
#[component]
pub fn LazyProvidersPage() -> impl IntoView {
    view! { <LazyView load=providers_view fallback=|| view! { <Busy message="Loading…"/> }/> }
}

/// `/providers/:name`, loaded on first visit.
#[component]
pub fn LazyProviderOnlyPage() -> impl IntoView {
    view! { <LazyView load=provider_only_view fallback=|| view! { <Busy message="Loading…"/> }/> }
}

/// `/api`, loaded on first visit.
#[component]
pub fn LazyApiPage() -> impl IntoView {
    view! { <LazyView load=api_view fallback=|| view! { <Busy message="Loading…"/> }/> }
}

/// `/userinfo`, loaded on first visit.
#[component]
pub fn LazyUserInfoPage() -> impl IntoView {
    view! { <LazyView load=userinfo_view fallback=|| view! { <Busy message="Loading…"/> }/> }
}

/// `/login`, loaded on first visit.
#[component]
pub fn LazyLoginPage() -> impl IntoView {
    view! { <LazyView load=login_view fallback=|| view! { <Busy message="Redirecting to sign in…"/> }/> }
}
