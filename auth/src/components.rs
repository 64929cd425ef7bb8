//! The library's two components: finishing the login at the callback, and guarding
//! pages that need a signed-in user. Both render only the app's own views (or a
//! plain default), so they fit any design.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::context::auth_providers::auth_for;
use crate::context::AuthState;
use crate::finish_login::{default_failed, default_pending, finish_every_pending_login};
use crate::several_callback::every_auth;
use oidc_browser_core::authorization::login_options::LoginOptions;
use oidc_browser_core::authorization::return_to::ReturnTo;

/// Finishes a login at the callback (the path of `redirect_uri`, whatever the app's
/// routes are) before the `children` (the app's `<Routes>`) start: on success the
/// router first moves to the login's `return_to`, so the destination is the routes'
/// first page, with no route switch. Goes inside the `<Router>`.
///
/// At the callback path it shows `pending` while the code is redeemed and `failed`
/// when the login failed (read why from [`crate::Auth::error`]); everywhere else,
/// the children.
#[component]
pub fn HandleCallback(
    /// Shown while the login finishes ("Signing you in…" by default).
    #[prop(optional, into)]
    pending: Option<ViewFn>,
    /// Shown at the callback path when the login failed (the error by default).
    #[prop(optional, into)]
    failed: Option<ViewFn>,
    /// The app's routes.
    children: ChildrenFn,
) -> impl IntoView {
    let navigate = use_navigate();
    let location = use_location();
    let go = move |return_to: &str| {
        let replace = NavigateOptions {
            replace: true,
            ..NavigateOptions::default()
        };
        navigate(return_to, replace);
    };
    let (auth, ready) = finish_every_pending_login(&location.pathname.get_untracked(), go);
    let auths = every_auth();
    let callback_paths: Vec<String> = auths
        .iter()
        .map(|auth| auth.config().callback_path().to_owned())
        .collect();
    let at_callback = Memo::new(move |_| {
        location
            .pathname
            .with(|p| callback_paths.iter().any(|c| c == p))
    });
    let pending = pending.unwrap_or_else(|| ViewFn::from(default_pending));
    let failed = failed.unwrap_or_else(|| ViewFn::from(move || default_failed(auth)));
    move || {
        if !ready.get() {
            return pending.run();
        }
        if !at_callback.get() {
            return children().into_any();
        }
        match auth.state().get() {
            AuthState::Failed(_) => failed.run(),
            // Signed in already (nothing to finish here): home.
            AuthState::SignedIn(_) => view! { <Redirect path="/"/> }.into_any(),
            _ => pending.run(),
        }
    }
}

/// Shows `children` to a signed-in user. Signed out, it starts a login that comes
/// back to this page; after a failed login, or a sign-out of this app only (the
/// provider's session may be open: a login would sign the user straight back in),
/// it shows `failed` instead of looping.
#[component]
pub fn RequireAuth(
    /// Shown while the session is being established or the browser leaves to sign
    /// in ("Signing you in…" by default).
    #[prop(optional, into)]
    pending: Option<ViewFn>,
    /// Shown when the last login failed or the session ended (the error by default).
    #[prop(optional, into)]
    failed: Option<ViewFn>,
    /// The provider the content needs, by its name in `config.json`'s `providers`
    /// (the default one when not given).
    #[prop(optional, into)]
    provider: Option<String>,
    /// The protected content.
    children: ChildrenFn,
) -> impl IntoView {
    let auth = auth_for(provider.as_deref());
    let location = use_location();
    // Never from inside a frame (the app served where the silent page should be, or
    // embedded): a login there would take the frame to the provider.
    let framed = crate::browser::navigation::is_framed();
    Effect::new(move |_| {
        let signed_out = auth.state().with(|s| matches!(s, AuthState::SignedOut));
        if signed_out && !framed {
            let here = location.pathname.get_untracked() + &location.search.get_untracked();
            auth.login(LoginOptions {
                return_to: ReturnTo::parse(&here).ok(),
                ..LoginOptions::default()
            });
        }
    });
    let pending = pending.unwrap_or_else(|| ViewFn::from(default_pending));
    let failed = failed.unwrap_or_else(|| ViewFn::from(move || default_failed(auth)));
    // Only a change of what to show re-renders: a renewal replaces the session, and
    // must not rebuild the page.
    let shown = Memo::new(move |_| {
        auth.state().with(|s| match s {
            AuthState::SignedIn(_) => Guarded::Children,
            AuthState::Failed(_) | AuthState::SignedOutLocally => Guarded::Failed,
            _ => Guarded::Pending,
        })
    });
    move || match shown.get() {
        Guarded::Children => children().into_any(),
        Guarded::Failed => failed.run(),
        Guarded::Pending => pending.run(),
    }
}

/// What [`RequireAuth`] shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Guarded {
    Children,
    Failed,
    Pending,
}
