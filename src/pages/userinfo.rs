//! `/userinfo`: the provider's live answer about the user, fetched with the access
//! token (OpenID Connect Core 5.3).

use leptos::prelude::*;
use leptos_pkce_auth::use_auth;

use crate::components::fetched::Fetched;
use crate::components::http_result::HttpResult;
use crate::components::require_auth::RequireAuth;

/// The user info page (signed in only).
#[component]
pub fn UserInfoPage() -> impl IntoView {
    view! {
        <RequireAuth>
            <UserInfo/>
        </RequireAuth>
    }
}

#[component]
fn UserInfo() -> impl IntoView {
    let auth = use_auth();
    let answer = Fetched::new(move || async move { auth.userinfo().await });
    view! {
        <section class="card">
            <h1>"User info"</h1>
            <p>"The provider's " <code>"/userinfo"</code> " answer, fetched just now with your access token."</p>
            {move || match answer.get() {
                None => view! { <div class="spinner" role="status" aria-label="Loading"></div> }.into_any(),
                Some(result) => view! { <HttpResult result/> }.into_any(),
            }}
            <button class="button" on:click=move |_| answer.reload()>"Fetch again"</button>
        </section>
    }
}
