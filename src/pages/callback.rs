//! `/callback`: where the provider sends the browser back. Finishes the login once,
//! scrubs the code and state from the address bar, and moves on to `return_to`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::auth::authorize::LoginOptions;
use crate::auth::browser::navigation;
use crate::auth::context::{use_auth, AuthState};
use crate::components::busy::Busy;

/// The callback page: a progress indicator, then the destination or a clear error.
#[component]
pub fn CallbackPage() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    // Read the raw query (the router's map would hide a duplicated `state`), then
    // scrub it at once: the code must not linger in the address bar or history.
    let query = navigation::current_query();
    navigation::replace_url("/callback");
    // Component bodies run once, so the single-use code is redeemed exactly once.
    spawn_local(async move {
        if let Some(return_to) = auth.complete_login(&query).await {
            navigate(
                return_to.as_str(),
                NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                },
            );
        }
    });
    move || {
        match auth.state().get() {
        AuthState::Failed(error) => view! {
            <section class="card">
                <h1>"Sign-in failed"</h1>
                <p class="error" role="alert" data-testid="callback-error">{error.to_string()}</p>
                <button class="button primary" on:click=move |_| auth.login(LoginOptions::default())>
                    "Try again"
                </button>
                <a class="button" href="/">"Back to the home page"</a>
            </section>
        }
        .into_any(),
        _ => view! { <Busy message="Signing you in…"/> }
        .into_any(),
    }
    }
}
