//! The context's work that a first page does not need, loaded from a wasm chunk in
//! the split release build (`crate::lazy`): restoring a session after a
//! reload, renewing one, starting a login, signing in in a popup, signing out
//! (forgetting and revoking the refresh token, here or when another tab signed out),
//! fetching discovery and the key set ahead, sweeping abandoned logins, and the
//! token requests of an app with DPoP on (`browser::dpop_token`).
//! A signed-out visitor's first page loads none of it; a click loads what it needs.
//! They share one chunk, `pkce_session` (the names start with `pkce_`, apart from an
//! app's own): measured on the demo, one chunk instead of five took the wasm files
//! from 30 to 16 and all wasm from 259.9 to 252.4 KB brotli (shared code is no longer
//! cut into small modules), at no cost to the first load; it is fetched once, after
//! the first paint.
//!
//! A chunk that cannot be loaded is a passing failure
//! ([`crate::error::BrowserError::ChunkUnavailable`]) and goes where the work's own
//! failure would: a renewal retries later, a login or sign-out shows the error.

use leptos::prelude::{GetValue, Set};
use web_sys::Window;

use super::mediated::WorkerAction;
use super::{Auth, AuthState};
use crate::browser::http::HttpResponse;
use crate::browser::{clock, flow, provider, storage};
use crate::error::LoginOutcome;
use crate::error::{AuthError, BrowserError};
use crate::lazy::{in_time, needed, Boxed};
use oidc_browser_core::authorization::login_options::LoginOptions;
use oidc_browser_core::authorization::return_to::ReturnTo;
use oidc_browser_core::config::names::StorageNames;
use oidc_browser_core::config::AuthConfig;
use oidc_browser_core::secret::IdToken;
use oidc_browser_core::session::logout::LogoutOptions;
use oidc_browser_core::session::Session;

crate::lazy_fn! {
    chunk pkce_session, preload preload_session_start;
    fn start_session_in_chunk(auth: Auth, here: ReturnTo) -> Boxed<()> {
        Box::pin(auth.start_session(here))
    }
}

crate::lazy_fn! {
    chunk pkce_session, preload preload_session_renewal;
    fn renewal_in_chunk(auth: Auth, config: AuthConfig, with_refresh_token: bool, started_in: u64) -> Boxed<Result<Session, AuthError>> {
        Box::pin(async move {
            if with_refresh_token {
                return flow::refresh(&config, move || auth.session()).await;
            }
            let session = auth.renew_silently(&config).await?;
            // A silent sign-in's code exchange may bring a refresh token (Keycloak
            // always, Auth0 with offline_access): kept unless the session was
            // forgotten since the renewal started.
            auth.keep_login_refresh_token_of(started_in, &config, &session, false);
            Ok(session)
        })
    }
}

crate::lazy_fn! {
    chunk pkce_session, preload preload_refresh_token_end;
    fn end_refresh_token_in_chunk(config: AuthConfig, sub: String) -> Boxed<()> {
        Box::pin(async move {
            let _ = flow::end_refresh_token(&config, Some(sub)).await;
        })
    }
}

crate::lazy_fn! {
    chunk pkce_session, preload preload_provider_prefetch;
    fn prefetch_in_chunk(config: AuthConfig) -> Boxed<()> {
        Box::pin(async move {
            if let Ok(metadata) = provider::metadata(&config).await {
                let _ = provider::jwks(&metadata.jwks_uri, false).await;
            }
        })
    }
}

crate::lazy_fn! {
    chunk pkce_session, preload preload_login_start;
    fn start_login_in_chunk(auth: Auth, options: LoginOptions, started_in: u64) -> Boxed<Result<(), AuthError>> {
        let still_current = move || auth.generation.try_get_value() == Some(started_in);
        Box::pin(async move { flow::start_login(&auth.config(), options, still_current).await })
    }
}

crate::lazy_fn! {
    chunk pkce_session, preload preload_logout;
    fn logout_in_chunk(auth: Auth, id_token: Option<IdToken>, options: LogoutOptions) -> Boxed<()> {
        Box::pin(auth.leave_signed_out(id_token, options))
    }
}

crate::lazy_fn! {
    chunk pkce_session, preload preload_popup_login;
    fn popup_login_in_chunk(auth: Auth, options: LoginOptions, window: Window, started_in: u64) -> Boxed<Result<(), AuthError>> {
        Box::pin(auth.finish_popup_login(options, window, started_in))
    }
}

crate::lazy_fn! {
    chunk pkce_mediated, preload preload_worker;
    fn worker_in_chunk(auth: Auth, action: WorkerAction) -> Boxed<Result<Option<HttpResponse>, AuthError>> {
        Box::pin(super::mediated::act(auth, action))
    }
}

/// Does `action` through the token worker (`token_mediation`), from the chunk only an
/// app in that mode loads.
pub(super) async fn through_worker(
    auth: Auth,
    action: WorkerAction,
) -> Result<Option<HttpResponse>, AuthError> {
    needed(worker_in_chunk(auth, action)).await?.await
}

crate::lazy_fn! {
    chunk pkce_login_callback, preload preload_finish_login;
    fn finish_login_in_chunk(auth: Auth, outcome: LoginOutcome, started_in: u64) -> Option<ReturnTo> {
        auth.finish_login(outcome, started_in)
    }
}

/// Signs in in the popup `window`, opened at the click ([`Auth::login_with_popup`])
/// in generation `started_in`; when its chunk cannot load, the popup is closed again.
pub(super) async fn popup_login(
    auth: Auth,
    options: LoginOptions,
    window: Window,
    started_in: u64,
) -> Result<(), AuthError> {
    let opened = window.clone();
    match in_time(popup_login_in_chunk(auth, options, window, started_in)).await {
        Some(login) => login.await,
        None => {
            let _ = opened.close();
            Err(BrowserError::ChunkUnavailable.into())
        }
    }
}

/// Takes the outcome of the login finished at the callback ([`Auth::finish_login`]),
/// from the callback's chunk; gives where to go. A chunk that cannot load is shown as
/// the login's failure, unless a sign-out came first.
pub(crate) async fn finish_login(
    auth: Auth,
    outcome: LoginOutcome,
    started_in: u64,
) -> Option<ReturnTo> {
    match in_time(finish_login_in_chunk(auth, outcome, started_in)).await {
        Some(return_to) => return_to,
        None => {
            fail_if_current(auth, started_in);
            None
        }
    }
}

/// Restores a session after a page load ([`Auth::start_session`]). Runs only if the
/// tab's generation is still the one it was asked in once the chunk is there (a
/// sign-out heard meanwhile wins); a chunk that cannot load leaves the page with the
/// reason.
pub(super) async fn start_session(auth: Auth, here: ReturnTo) {
    let started_in = auth.generation();
    match in_time(start_session_in_chunk(auth, here)).await {
        Some(_) if auth.generation() != started_in => {}
        Some(start) => start.await,
        None => fail_if_current(auth, started_in),
    }
}

/// Renews the session: with its refresh token, or by a silent sign-in (whose refresh
/// token is kept if the tab is still in generation `started_in`).
pub(super) async fn renewal(
    auth: Auth,
    config: AuthConfig,
    with_refresh_token: bool,
    started_in: u64,
) -> Result<Session, AuthError> {
    needed(renewal_in_chunk(
        auth,
        config,
        with_refresh_token,
        started_in,
    ))
    .await?
    .await
}

/// Forgets and revokes the refresh token kept for `sub` ([`flow::end_refresh_token`]),
/// the session in the tab already forgotten. Best effort, as before the split: a
/// chunk that cannot load leaves the token at rest (a refused one is refused again at
/// the next restore; an unfinished sign-out leaves its own mark).
pub(super) async fn end_refresh_token(config: AuthConfig, sub: String) {
    if let Some(end) = in_time(end_refresh_token_in_chunk(config, sub)).await {
        end.await;
    }
}

crate::lazy_fn! {
    chunk pkce_session, preload preload_dpop_thumbprint;
    fn dpop_thumbprint_in_chunk(names: StorageNames) -> Boxed<Option<String>> {
        Box::pin(async move {
            let key = crate::browser::dpop::key(&names).await.ok()?;
            Some(crate::browser::dpop::thumbprint(&key))
        })
    }
}

/// The thumbprint of this browser's DPoP key ([`Auth::dpop_thumbprint`]); `None` when
/// there is none, or its chunk cannot load.
pub(super) async fn dpop_thumbprint(names: StorageNames) -> Option<String> {
    in_time(dpop_thumbprint_in_chunk(names)).await?.await
}

/// Discovery, then the key set, in the background ([`Auth::prefetch_provider`]).
pub(super) async fn prefetch_provider(config: AuthConfig) {
    if let Some(prefetch) = in_time(prefetch_in_chunk(config)).await {
        prefetch.await;
    }
}

/// Stores a login and leaves for the provider ([`flow::start_login`]), unless a
/// sign-out came while its chunk loaded.
pub(super) async fn start_login(auth: Auth, options: LoginOptions) -> Result<(), AuthError> {
    let started_in = auth.generation();
    let start = needed(start_login_in_chunk(auth, options, started_in)).await?;
    if auth.generation() != started_in {
        return Ok(());
    }
    // A failure after a sign-out came (a refused push, say) is not shown over it.
    start.await.or_else(
        |error| match auth.generation.try_get_value() == Some(started_in) {
            true => Err(error),
            false => Ok(()),
        },
    )
}

/// Finishes a sign-out ([`Auth::leave_signed_out`]): the refresh token forgotten and
/// revoked, the provider's session ended. When its chunk cannot load, the page says
/// the sign-out did not finish: the refresh token at rest is forgotten by the next
/// page load, which finds the sign-out's mark ([`Auth::logout`]) before it restores
/// anything (the other tabs heard the sign-out at the click).
pub(super) async fn logout(auth: Auth, id_token: Option<IdToken>, options: LogoutOptions) {
    match in_time(logout_in_chunk(auth, id_token, options)).await {
        Some(leave) => leave.await,
        None => auth
            .state
            .set(AuthState::Failed(BrowserError::ChunkUnavailable.into())),
    }
}

/// A chunk the tab's work needed did not load: the page says so, unless the tab moved
/// on meanwhile (a sign-out, another account).
fn fail_if_current(auth: Auth, started_in: u64) {
    if auth.generation() == started_in {
        auth.state
            .set(AuthState::Failed(BrowserError::ChunkUnavailable.into()));
    }
}

/// Fetches what renewing this session needs (the renewal's and the ID token
/// verification's chunks), long before the access token expires: a deploy that
/// replaces them later cannot break the renewal of an open tab. A second after the
/// session starts, so it never competes with the page it lands on (measured at the
/// callback: fetched at once, it was a second round trip before the profile showed).
pub(super) fn preload_renewal() {
    leptos::prelude::set_timeout(
        || {
            leptos::task::spawn_local(async {
                let _ = in_time(preload_session_renewal()).await;
                flow::preload_verification();
            })
        },
        std::time::Duration::from_secs(1),
    );
}

crate::lazy_fn! {
    chunk pkce_session, preload preload_sweep;
    fn sweep_in_chunk(names: StorageNames) -> () {
        storage::sweep_transactions(&names, clock::now_ms());
    }
}

/// Fetches the chunks a click on Sign In or Sign Out needs, once the first page has
/// painted (nothing to fetch in an unsplit build), and sweeps the app's abandoned
/// logins from sessionStorage (expired or unreadable: never one a login can still
/// finish).
pub(super) fn preload_actions(names: StorageNames) {
    leptos::task::spawn_local(async {
        let _ = in_time(sweep_in_chunk(names)).await;
        let _ = in_time(preload_login_start()).await;
        let _ = in_time(preload_logout()).await;
    });
}
