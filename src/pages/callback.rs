//! `/callback`: where the provider sends the browser back. The login is finished
//! before the router starts, so the router's first page is the destination itself.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;

use crate::auth::authorize::LoginOptions;
use crate::auth::browser::navigation;
use crate::auth::context::{use_auth, AuthState};
use crate::components::busy::Busy;

/// The path the provider redirects to (the configured `redirect_uri`'s path).
pub const CALLBACK_PATH: &str = "/callback";

/// At `/callback`, finishes the login before building `children` (the router): reads
/// the code and state, scrubs them from the address bar at once, redeems the code,
/// and on success puts `return_to` in the address bar, so the router starts right
/// there and no route switch stands between the tokens and the page. On failure the
/// address stays `/callback`, whose route shows the error. Elsewhere it is a no-op.
#[component]
pub fn FinishLoginFirst(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let at_callback = navigation::current_path() == CALLBACK_PATH;
    let ready = RwSignal::new(!at_callback);
    if at_callback {
        // Read the raw query (a parsed map would hide a duplicated `state`), then
        // scrub it: the code must not linger in the address bar or history.
        let query = navigation::current_query();
        navigation::replace_url(CALLBACK_PATH);
        // Component bodies run once, so the single-use code is redeemed exactly once.
        spawn_local(async move {
            if let Some(return_to) = auth.complete_login(&query).await {
                navigation::replace_url(return_to.as_str());
            }
            ready.set(true);
        });
    }
    move || {
        if ready.get() {
            children().into_any()
        } else {
            view! { <Busy message="Signing you in…"/> }.into_any()
        }
    }
}

/// The `/callback` route: why the sign-in failed, with a way to try again.
#[component]
pub fn CallbackPage() -> impl IntoView {
    let auth = use_auth();
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
        // Signed in already (nothing to finish here): home.
        AuthState::SignedIn(_) => view! { <Redirect path="/"/> }.into_any(),
        _ => view! { <Busy message="Signing you in…"/> }.into_any(),
    }
    }
}
