//! `/login`: the app's login route. Auth0 organization invitation links land here
//! (`/login?invitation=…&organization=…&organization_name=…`); both values are
//! forwarded to `/authorize` as Auth0 documents.

use leptos::prelude::*;
use leptos_pkce_auth::{use_auth, LoginOptions, ReturnTo};
use leptos_router::hooks::use_query_map;

/// Starts a login at once, forwarding `organization`, `invitation`, `connection`,
/// `login_hint` and `screen_hint` from the query.
#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map().get_untracked();
    let options = move || LoginOptions {
        return_to: query
            .get("return_to")
            .and_then(|path| ReturnTo::parse(&path).ok())
            .or_else(|| ReturnTo::parse("/profile").ok()),
        organization: query.get("organization"),
        invitation: query.get("invitation"),
        connection: query.get("connection"),
        login_hint: query.get("login_hint"),
        screen_hint: query.get("screen_hint"),
        ..LoginOptions::default()
    };
    let start = options.clone();
    request_animation_frame(move || auth.login(start()));
    view! {
        <section class="card">
            <h1>"Redirecting to sign in…"</h1>
            {move || match auth.error().get() {
                Some(error) => view! {
                    <p class="error" role="alert">{error.to_string()}</p>
                    <button class="button primary" on:click={
                        let options = options.clone();
                        move |_| auth.login(options())
                    }>"Try again"</button>
                }
                .into_any(),
                None => view! { <div class="spinner" role="status" aria-label="Redirecting"></div> }.into_any(),
            }}
        </section>
    }
}
