//! `/api`: calls the API configured as `api_url` with `Authorization: Bearer`.

use leptos::prelude::*;
use leptos_pkce_auth::use_auth;

use crate::components::api_card::ApiCard;
use crate::components::fetched::Fetched;
use crate::components::http_result::HttpResult;
use crate::components::require_auth::RequireAuth;
use crate::settings::use_settings;

/// The API page (signed in only).
#[component]
pub fn ApiPage() -> impl IntoView {
    let apis = use_settings().apis;
    view! {
        <RequireAuth>
            <ApiCall/>
            {apis.clone().into_iter().map(|api| view! { <ApiCard api/> }).collect_view()}
        </RequireAuth>
    }
}

#[component]
fn ApiCall() -> impl IntoView {
    let auth = use_auth();
    let Some(url) = use_settings().api_url else {
        return view! {
            <section class="card">
                <h1>"Call an API"</h1>
                <p>"Set " <code>"api_url"</code> " (and " <code>"audience"</code> ") in "
                   <code>"config.json"</code> " to call your API with the access token."</p>
            </section>
        }
        .into_any();
    };
    let shown = url.clone();
    let answer = Fetched::new(move || {
        let url = url.clone();
        async move { auth.get_with_token(&url).await }
    });
    view! {
        <section class="card">
            <h1>"Call an API"</h1>
            <p>"GET " <code>{shown}</code> " with your access token."</p>
            {move || match answer.get() {
                None => view! { <div class="spinner" role="status" aria-label="Loading"></div> }.into_any(),
                Some(result) => view! { <HttpResult result/> }.into_any(),
            }}
            <button class="button" on:click=move |_| answer.reload()>"Call again"</button>
        </section>
    }
    .into_any()
}
