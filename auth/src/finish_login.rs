//! Finishing the login at the callback, shared by the router's `HandleCallback` (the
//! `router` feature) and [`FinishLogin`] for apps without a router, and the
//! components' default views.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::{navigation, pending_login};
use std::rc::Rc;

use crate::context::{chunks, use_auth, Auth, AuthState};

/// "Signing you in…".
pub(crate) fn default_pending() -> AnyView {
    view! { <p role="status">"Signing you in…"</p> }.into_any()
}

/// The last error of `auth`, or "You are signed out.".
pub(crate) fn default_failed(auth: Auth) -> AnyView {
    view! {
        <p role="alert">
            {move || auth.error().get().map_or_else(|| "You are signed out.".to_owned(), |e| e.to_string())}
        </p>
    }
    .into_any()
}

/// Finishes the login this page load redeems for `auth`'s app, if any
/// ([`pending_login::take_for`]), then calls `go` with where the login lands (not
/// after a failure, nor when a sign-out heard meanwhile won). Gives a signal that is
/// true once there is nothing left to finish.
pub(crate) fn finish_pending_login(auth: Auth, go: impl FnOnce(&str) + 'static) -> RwSignal<bool> {
    let task = pending_login::take_for(&auth.config());
    let ready = RwSignal::new(task.is_none());
    if let Some(task) = task {
        // A sign-out in another tab while the code is redeemed wins (its broadcast
        // bumps the generation): nothing of the login is kept.
        let started_in = auth.generation();
        spawn_local(async move {
            let outcome = task.join().await;
            let landed = chunks::finish_login(auth, outcome, started_in).await;
            pending_login::login_landed();
            if let Some(return_to) = landed {
                go(return_to.as_str());
            }
            ready.set(true);
        });
    }
    ready
}

/// [`finish_pending_login`] for every provider of the page: a page load brings back
/// at most one login, and only the provider that owns the callback takes it. Gives
/// whose state the callback path shows, which [`crate::use_callback_auth`] then gives
/// the `failed` view, and the signal that is true once nothing is left to finish.
/// With one provider, that one (else the registered [`FinishAmongSeveral`]).
pub(crate) fn finish_every_pending_login(
    here: &str,
    go: impl Fn(&str) + 'static,
) -> (Auth, RwSignal<bool>) {
    let go: Rc<dyn Fn(&str)> = Rc::new(go);
    if let Some(finished) = several_providers().and_then(|finish| finish(here, go.clone())) {
        return finished;
    }
    let auth = use_auth();
    (auth, finish_pending_login(auth, move |to| go(to)))
}

thread_local! {
    /// How the callback finishes the login among the page's providers, set by
    /// `provide_auths`: an app with one provider then links none of it, nor any
    /// look-up of the `AuthProviders` context (a context type costs about 0.7 KB of
    /// wasm, measured with twiggy).
    static SEVERAL_PROVIDERS: std::cell::Cell<Option<FinishAmongSeveral>> =
        const { std::cell::Cell::new(None) };
}

/// How the callback finishes the login among several providers: the provider and the
/// signal [`finish_every_pending_login`] gives, or `None` when the page has no
/// `provide_auths` in context after all.
pub(crate) type FinishAmongSeveral = fn(&str, Rc<dyn Fn(&str)>) -> Option<(Auth, RwSignal<bool>)>;

/// Makes `finish` the page's way to finish a login among several providers.
pub(crate) fn finish_among_several_with(finish: FinishAmongSeveral) {
    SEVERAL_PROVIDERS.with(|s| s.set(Some(finish)));
}

/// The page's [`FinishAmongSeveral`], once `provide_auths` has run.
pub(crate) fn several_providers() -> Option<FinishAmongSeveral> {
    SEVERAL_PROVIDERS.with(std::cell::Cell::get)
}

/// Finishes a login at the callback (the path of `redirect_uri`) in an app without a
/// router, the way `HandleCallback` (the `router` feature) does with one: `pending` while the code
/// is redeemed, then the address becomes the login's `return_to` (replacing the
/// callback in history) and the `children` show; `failed` when the login failed (read
/// why from [`crate::Auth::error`]). Elsewhere, the children at once.
///
/// The children read the address themselves (`window.location`): nothing tells them
/// that it changed but this component showing them for the first time. Mount it
/// once, near the root (a second mount shows its children while the first finishes
/// the login).
#[component]
pub fn FinishLogin(
    /// Shown while the login finishes ("Signing you in…" by default).
    #[prop(optional, into)]
    pending: Option<ViewFn>,
    /// Shown at the callback path when the login failed (the error by default).
    #[prop(optional, into)]
    failed: Option<ViewFn>,
    /// The app.
    children: ChildrenFn,
) -> impl IntoView {
    let (auth, ready) =
        finish_every_pending_login(&navigation::current_path(), navigation::replace_url);
    let callback_path = auth.config().callback_path().to_owned();
    // Nothing to finish at the callback path and nobody signing in: the app starts at
    // home, not at an address that only a provider's answer should reach. (Mounted a
    // second time while the first mount's login is redeemed, the state is
    // "authenticating": the address is left to that login.)
    let authenticating = auth
        .state()
        .with_untracked(|s| matches!(s, AuthState::Authenticating));
    if ready.get_untracked() && !authenticating && navigation::current_path() == callback_path {
        navigation::replace_url("/");
    }
    let pending = pending.unwrap_or_else(|| ViewFn::from(default_pending));
    let failed = failed.unwrap_or_else(|| ViewFn::from(move || default_failed(auth)));
    let failed_here = Memo::new(move |_| {
        ready.get()
            && auth.state().with(|s| matches!(s, AuthState::Failed(_)))
            && navigation::current_path() == callback_path
    });
    move || {
        if !ready.get() {
            pending.run()
        } else if failed_here.get() {
            failed.run()
        } else {
            children().into_any()
        }
    }
}
