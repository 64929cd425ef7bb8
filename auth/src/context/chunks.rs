//! The context's work that a first page does not need, each loaded from its own wasm
//! chunk in the split release build (`crate::lazy`): restoring a session after a
//! reload, renewing one, starting a login, signing in in a popup and signing out.
//! A signed-out visitor's first page loads none of it; a click loads what it needs.
//!
//! A chunk that cannot be loaded is a passing failure
//! ([`crate::error::BrowserError::ChunkUnavailable`]) and goes where the work's own
//! failure would: a renewal retries later, a login or sign-out shows the error.

use leptos::prelude::Set;
use web_sys::Window;

use super::{Auth, AuthState};
use crate::browser::flow;
use crate::browser::pending_login::LoginOutcome;
use crate::config::AuthConfig;
use crate::error::{AuthError, BrowserError};
use crate::lazy::Boxed;
use crate::login_options::LoginOptions;
use crate::logout::LogoutOptions;
use crate::return_to::ReturnTo;
use crate::secret::IdToken;
use crate::session::Session;

crate::lazy_fn! {
    chunk session_start, preload preload_session_start;
    fn start_session_in_chunk(auth: Auth, here: ReturnTo) -> Boxed<()> {
        Box::pin(auth.start_session(here))
    }
}

crate::lazy_fn! {
    chunk session_renewal, preload preload_session_renewal;
    fn renewal_in_chunk(auth: Auth, config: AuthConfig, with_refresh_token: bool) -> Boxed<Result<Session, AuthError>> {
        Box::pin(async move {
            if with_refresh_token {
                flow::refresh(&config, move || auth.session()).await
            } else {
                auth.renew_silently(&config).await
            }
        })
    }
}

crate::lazy_fn! {
    chunk login_start, preload preload_login_start;
    fn start_login_in_chunk(config: AuthConfig, options: LoginOptions) -> Boxed<Result<(), AuthError>> {
        Box::pin(async move { flow::start_login(&config, options).await })
    }
}

crate::lazy_fn! {
    chunk logout, preload preload_logout;
    fn logout_in_chunk(auth: Auth, id_token: Option<IdToken>, options: LogoutOptions) -> Boxed<()> {
        Box::pin(auth.leave_signed_out(id_token, options))
    }
}

crate::lazy_fn! {
    chunk popup_login, preload preload_popup_login;
    fn popup_login_in_chunk(auth: Auth, options: LoginOptions, window: Window) -> Boxed<Result<(), AuthError>> {
        Box::pin(auth.finish_popup_login(options, window))
    }
}

/// Signs in in the popup `window`, opened at the click ([`Auth::login_with_popup`]);
/// when its chunk cannot load, the popup is closed again.
pub(super) async fn popup_login(
    auth: Auth,
    options: LoginOptions,
    window: Window,
) -> Result<(), AuthError> {
    let opened = window.clone();
    match popup_login_in_chunk(auth, options, window).await {
        Ok(login) => login.await,
        Err(_) => {
            let _ = opened.close();
            Err(BrowserError::ChunkUnavailable.into())
        }
    }
}

crate::lazy_fn! {
    chunk login_callback, preload preload_finish_login;
    fn finish_login_in_chunk(auth: Auth, outcome: LoginOutcome, started_in: u64) -> Option<ReturnTo> {
        auth.finish_login(outcome, started_in)
    }
}

/// Takes the outcome of the login finished at the callback ([`Auth::finish_login`]),
/// from the callback's chunk; gives where to go.
pub(crate) async fn finish_login(
    auth: Auth,
    outcome: LoginOutcome,
    started_in: u64,
) -> Option<ReturnTo> {
    match finish_login_in_chunk(auth, outcome, started_in).await {
        Ok(return_to) => return_to,
        Err(_) => {
            auth.state
                .set(AuthState::Failed(BrowserError::ChunkUnavailable.into()));
            None
        }
    }
}

/// Restores a session after a page load ([`Auth::start_session`]); a chunk that
/// cannot load leaves the page signed out with the reason.
pub(super) async fn start_session(auth: Auth, here: ReturnTo) {
    match start_session_in_chunk(auth, here).await {
        Ok(start) => start.await,
        Err(_) => auth
            .state
            .set(AuthState::Failed(BrowserError::ChunkUnavailable.into())),
    }
}

/// Renews the session: with its refresh token, or by a silent sign-in.
pub(super) async fn renewal(
    auth: Auth,
    config: AuthConfig,
    with_refresh_token: bool,
) -> Result<Session, AuthError> {
    renewal_in_chunk(auth, config, with_refresh_token)
        .await
        .map_err(|_| BrowserError::ChunkUnavailable)?
        .await
}

/// Stores a login and leaves for the provider ([`flow::start_login`]).
pub(super) async fn start_login(
    config: AuthConfig,
    options: LoginOptions,
) -> Result<(), AuthError> {
    start_login_in_chunk(config, options)
        .await
        .map_err(|_| BrowserError::ChunkUnavailable)?
        .await
}

/// Ends the session here and at the provider ([`Auth::leave_signed_out`]).
pub(super) async fn logout(auth: Auth, id_token: Option<IdToken>, options: LogoutOptions) {
    match logout_in_chunk(auth, id_token, options).await {
        Ok(leave) => leave.await,
        Err(_) => auth
            .state
            .set(AuthState::Failed(BrowserError::ChunkUnavailable.into())),
    }
}

/// Fetches the chunks a click on Sign In or Sign Out needs, once the first page has
/// painted (nothing to fetch in an unsplit build).
pub(super) fn preload_actions() {
    leptos::task::spawn_local(async {
        let _ = preload_login_start().await;
        let _ = preload_logout().await;
    });
}
