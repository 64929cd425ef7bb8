//! `/callback`: where the provider sends the browser back. `main` has already
//! started redeeming the code (see `pending_login`); the router starts once that is
//! done, at the destination itself.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::auth::authorize::LoginOptions;
use crate::auth::browser::pending_login;
use crate::auth::context::{use_auth, AuthState};
use crate::components::busy::Busy;

/// Holds back `children` (the routes) while a login started at the callback finishes;
/// on success moves the router to `return_to` first, so the routes start right there
/// and no route switch stands between the tokens and the page. The header and the
/// router are up meanwhile. On failure the address stays `/callback`, whose route
/// shows the error. Without a pending login, a no-op. Goes inside the `Router`.
#[component]
pub fn FinishLoginFirst(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let pending = pending_login::take();
    let ready = RwSignal::new(pending.is_none());
    if let Some(task) = pending {
        spawn_local(async move {
            if let Some(return_to) = auth.finish_login(task.join().await).await {
                let replace = NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                };
                navigate(return_to.as_str(), replace);
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
