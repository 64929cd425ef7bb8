//! `/`: what the app is, and the ways to sign in.

use leptos::prelude::*;
use leptos_pkce_auth::{use_auth, AuthState, ReturnTo};
use leptos_router::components::A;

use crate::components::login_buttons::LoginButtons;

/// The home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    let signed_out_locally = Signal::derive(move || {
        auth.state()
            .with(|s| matches!(s, AuthState::SignedOutLocally))
    });
    view! {
        <section class="hero">
            <h1>"Sign in with PKCE, in Rust"</h1>
            <p class="lead">
                "A Leptos app that signs you in with the OAuth 2.0 Authorization Code Flow "
                "with PKCE, and checks the ID token before trusting it."
            </p>
            {move || match auth.user().get() {
                Some(user) => view! {
                    <p data-testid="welcome">"Welcome back, " {user.display_name().to_owned()} "."</p>
                    <A href="/profile" attr:class="button primary">"View your profile"</A>
                }
                .into_any(),
                None => view! {
                    <LoginButtons return_to=ReturnTo::parse("/profile").expect("a same-origin path")/>
                }
                .into_any(),
            }}
            {move || auth.error().get().map(|error| view! {
                <p class="error" role="alert" data-testid="auth-error">{error.to_string()}</p>
            })}
            {move || signed_out_locally.get().then(|| view! {
                <p class="notice" role="status" data-testid="provider-session-note">
                    "You are signed out of this app. The provider offers no way to end its "
                    "own session from here, so it may still be open: on a shared computer, "
                    "sign out at the provider too."
                </p>
            })}
        </section>
    }
}
