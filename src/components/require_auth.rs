//! A guard for pages that need a signed-in user: signed out, it starts a login that
//! comes back to the page.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::auth::authorize::LoginOptions;
use crate::auth::context::{use_auth, AuthState};
use crate::auth::return_to::ReturnTo;
use crate::components::busy::Busy;
use crate::components::login_buttons::LoginButtons;

/// Shows `children` to a signed-in user. Signed out, it sends the browser to sign in
/// and back here; after a failed login it shows the error instead of looping.
#[component]
pub fn RequireAuth(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    Effect::new(move |_| {
        if auth.state().with(|s| matches!(s, AuthState::SignedOut)) {
            let here = location.pathname.get_untracked() + &location.search.get_untracked();
            auth.login(LoginOptions {
                return_to: ReturnTo::parse(&here).ok(),
                ..LoginOptions::default()
            });
        }
    });
    move || match auth.state().get() {
        AuthState::SignedIn(_) => children().into_any(),
        AuthState::Failed(error) => view! {
            <section class="card">
                <h1>"Sign in to see this page"</h1>
                <p class="error" role="alert" data-testid="guard-error">{error.to_string()}</p>
                <LoginButtons connections=false/>
            </section>
        }
        .into_any(),
        _ => view! { <Busy message="Redirecting to sign in…"/> }.into_any(),
    }
}
