//! What the callback shows when a sign-in failed. The library finishes logins at
//! `redirect_uri`'s path (`HandleCallback` in `app.rs`); this is the app's view of a
//! failure there.

use leptos::prelude::*;
use leptos_pkce_auth::{use_callback_auth, LoginOptions};

/// Why the sign-in failed, with a way to try again.
#[component]
pub fn CallbackFailed() -> impl IntoView {
    // The provider whose login failed here (the app may have several).
    let auth = use_callback_auth();
    view! {
        <section class="card">
            <h1>"Sign-in failed"</h1>
            <p class="error" role="alert" data-testid="callback-error">
                {move || auth.error().get().map(|error| error.to_string())}
            </p>
            <button class="button primary" on:click=move |_| auth.login(LoginOptions::default())>
                "Try again"
            </button>
            <a class="button" href="/">"Back to the home page"</a>
        </section>
    }
}
