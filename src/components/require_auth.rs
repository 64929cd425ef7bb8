//! The app's guard for pages that need a signed-in user: the library's `RequireAuth`
//! with this app's busy indicator and failure card.

use leptos::prelude::*;
use leptos_pkce_auth::use_auth;

use crate::components::busy::Busy;
use crate::components::login_buttons::LoginButtons;

/// Shows `children` to a signed-in user. Signed out, it sends the browser to sign in
/// and back here; after a failed login it shows the error instead of looping.
#[component]
pub fn RequireAuth(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    view! {
        <leptos_pkce_auth::RequireAuth
            pending=|| view! { <Busy message="Redirecting to sign in…"/> }
            failed=move || view! {
                <section class="card">
                    <h1>"Sign in to see this page"</h1>
                    <p class="error" role="alert" data-testid="guard-error">
                        {move || auth.error().get().map(|error| error.to_string())}
                    </p>
                    <LoginButtons connections=false/>
                </section>
            }
        >
            {children()}
        </leptos_pkce_auth::RequireAuth>
    }
}
