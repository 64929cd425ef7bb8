//! The auth context for Leptos: provided once at the root, read with [`use_auth`].
//! Pages and components see the user and the tokens only through it.
//!
//! Races, and what makes each safe: a renewal that finishes after a sign-out finds
//! the state no longer `SignedIn` for that user and is dropped
//! (`signed_in_if_current`); refreshes of all tabs run one at a time under the app's
//! Web Lock, re-reading a stored token inside it; the callback's code is redeemed at
//! most once per page load (`pending_login`'s `STARTED` flag).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::authorize::LoginOptions;
use crate::browser::flow;
use crate::browser::http::{self, HttpResponse};
use crate::browser::pending_login::{self, LoginOutcome};
use crate::browser::{broadcast, clock, navigation, provider, refresh_store, storage};
use crate::config::{AuthConfig, RefreshTokenStorage};
use crate::discovery::MetadataError;
use crate::error::AuthError;
use crate::id_token::claims::IdTokenClaims;
use crate::logout::{LogoutOptions, LogoutTarget};
use crate::names::StorageNames;
use crate::return_to::ReturnTo;
use crate::schedule::{after_renewal_failure, renewal_delay_ms, RenewalFailure};
use crate::secret::AccessToken;
use crate::session::Session;

/// Where the app stands with the user.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthState {
    /// Nobody is signed in.
    SignedOut,
    /// A login is being started or finished, or a session restored.
    Authenticating,
    /// A user is signed in.
    SignedIn(Box<Session>),
    /// Signed out here; the browser is on its way to the provider's logout. Guards do
    /// not start a login in this state.
    SigningOut,
    /// Signed out of this app only: the provider has no logout endpoint (or a local
    /// logout was asked for), so its own session may still be open. Say so.
    SignedOutLocally,
    /// The last login failed, or the session ended; nobody is signed in.
    Failed(AuthError),
}

/// Handle to the auth state and its actions. `Copy`, so closures take it freely.
#[derive(Clone, Copy)]
pub struct Auth {
    config: StoredValue<AuthConfig>,
    state: RwSignal<AuthState>,
    user: Memo<Option<IdTokenClaims>>,
    renewal: StoredValue<Option<TimeoutHandle>>,
}

impl Auth {
    /// A context over `config`, starting in `initial` (normally
    /// [`AuthState::SignedOut`]; tests start elsewhere).
    pub fn new(config: AuthConfig, initial: AuthState) -> Self {
        let state = RwSignal::new(initial);
        let user = Memo::new(move |_| {
            state.with(|s| match s {
                AuthState::SignedIn(session) => Some(session.claims.clone()),
                _ => None,
            })
        });
        Self {
            config: StoredValue::new(config),
            state,
            user,
            renewal: StoredValue::new(None),
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> AuthConfig {
        self.config.get_value()
    }

    /// The whole state, for views that match on it.
    pub fn state(&self) -> ReadSignal<AuthState> {
        self.state.read_only()
    }

    /// True while a login is being started or finished.
    pub fn is_loading(&self) -> Signal<bool> {
        let state = self.state;
        Signal::derive(move || state.with(|s| matches!(s, AuthState::Authenticating)))
    }

    /// True when a user is signed in.
    pub fn is_authenticated(&self) -> Signal<bool> {
        let user = self.user;
        Signal::derive(move || user.with(Option::is_some))
    }

    /// The signed-in user's verified ID token claims.
    pub fn user(&self) -> Memo<Option<IdTokenClaims>> {
        self.user
    }

    /// When the current access token expires (ms since the epoch), if signed in.
    pub fn access_token_expires_at(&self) -> Signal<Option<u64>> {
        let state = self.state;
        Signal::derive(move || {
            state.with(|s| match s {
                AuthState::SignedIn(session) => Some(session.expires_at_ms),
                _ => None,
            })
        })
    }

    /// True when the session holds a refresh token (`offline_access` was granted).
    pub fn can_renew(&self) -> Signal<bool> {
        let state = self.state;
        Signal::derive(move || {
            state.with(
                |s| matches!(s, AuthState::SignedIn(session) if session.refresh_token.is_some()),
            )
        })
    }

    /// The last error: a failed login, or why the session ended.
    pub fn error(&self) -> Signal<Option<AuthError>> {
        let state = self.state;
        Signal::derive(move || {
            state.with(|s| match s {
                AuthState::Failed(error) => Some(error.clone()),
                _ => None,
            })
        })
    }

    /// Starts a login: the browser leaves for the provider. On failure the error is
    /// shown through [`Auth::error`].
    pub fn login(&self, options: LoginOptions) {
        let auth = *self;
        self.state.set(AuthState::Authenticating);
        spawn_local(async move {
            if let Err(error) = flow::start_login(&auth.config.get_value(), options).await {
                auth.state.set(AuthState::Failed(error));
            }
        });
    }

    /// Signs out: forgets every token and pending login here and in the app's other
    /// tabs, then ends the provider's session where it can (its logout page comes
    /// back to `post_logout_redirect_uri`). Where it cannot (a provider with no
    /// logout endpoint, or `local_only`), the state becomes
    /// [`AuthState::SignedOutLocally`].
    pub fn logout(&self, options: LogoutOptions) {
        let auth = *self;
        let id_token = self.session().map(|s| s.id_token);
        self.forget_tab_state(AuthState::SigningOut);
        spawn_local(async move {
            let config = auth.config.get_value();
            // The stored refresh token must be gone before the page leaves.
            flow::keep_refresh_token(&config, None).await;
            broadcast::announce_sign_out(&StorageNames::new(&config.storage_prefix).channel());
            match flow::logout_destination(&config, id_token.as_ref(), options).await {
                Ok(LogoutTarget::Provider(url)) => {
                    if let Err(error) = navigation::assign(&url) {
                        auth.state.set(AuthState::Failed(error.into()));
                    }
                }
                Ok(LogoutTarget::LocalOnly) => auth.state.set(AuthState::SignedOutLocally),
                Err(error) => auth.state.set(AuthState::Failed(error)),
            }
        });
    }

    /// Forgets everything in this tab and the stored refresh token; `reason` is shown
    /// when given.
    fn sign_out_locally(&self, reason: Option<AuthError>) {
        self.forget_tab_state(reason.map_or(AuthState::SignedOut, AuthState::Failed));
        let config = self.config.get_value();
        spawn_local(async move { flow::keep_refresh_token(&config, None).await });
    }

    /// Stops renewal, drops pending logins and the session, and moves to `next`.
    fn forget_tab_state(&self, next: AuthState) {
        self.cancel_renewal();
        storage::clear_transactions(&self.names());
        self.state.set(next);
    }

    fn names(&self) -> StorageNames {
        self.config
            .with_value(|c| StorageNames::new(&c.storage_prefix))
    }

    fn session(&self) -> Option<Session> {
        self.state.with_untracked(|s| match s {
            AuthState::SignedIn(session) => Some((**session).clone()),
            _ => None,
        })
    }

    /// A valid access token: the current one while fresh, else a renewed one when a
    /// refresh token allows. `None` when signed out or the session cannot be renewed.
    pub async fn access_token(&self) -> Option<AccessToken> {
        let session = self.session()?;
        if let Some(token) = session.fresh_access_token(clock::now_ms()) {
            return Some(token.clone());
        }
        session.refresh_token.as_ref()?;
        self.renew().await.ok()?;
        self.session().map(|s| s.access_token)
    }

    /// Renews the tokens with the refresh token now. What a failure means is the
    /// core's rule ([`crate::schedule::after_renewal_failure`]): a refused refresh
    /// token signs the user out with a message; a passing failure keeps the session
    /// and retries.
    ///
    /// # Errors
    /// The [`AuthError`] of the failed refresh.
    pub async fn renew(&self) -> Result<(), AuthError> {
        let current = self.session();
        match flow::refresh(&self.config.get_value(), current.clone()).await {
            Ok(session) => {
                self.signed_in_if_current(session);
                Ok(())
            }
            Err(error) => {
                match after_renewal_failure(&error, current.as_ref(), clock::now_ms()) {
                    RenewalFailure::EndSession => self.sign_out_locally(Some(error.clone())),
                    RenewalFailure::RetryIn(delay_ms) => self.schedule_renewal(delay_ms),
                    RenewalFailure::RetryOnDemand => {}
                    RenewalFailure::NotRestored => self.state.set(AuthState::Failed(error.clone())),
                }
                Err(error)
            }
        }
    }

    /// GETs `url` with the access token. On 401 the tokens are renewed once and the
    /// request repeated; a second 401 (or no way to renew) signs the user out with a
    /// clear message.
    ///
    /// # Errors
    /// [`AuthError::Unauthorized`] after a second 401; the request's own failure.
    pub async fn get_with_token(&self, url: &str) -> Result<HttpResponse, AuthError> {
        let token = self.access_token().await.ok_or(AuthError::SessionEnded)?;
        let response = http::get(url, Some(&token)).await?;
        if response.status != 401 {
            return Ok(response);
        }
        let can_renew = self.session().is_some_and(|s| s.refresh_token.is_some());
        if can_renew && self.renew().await.is_ok() {
            if let Some(token) = self.session().map(|s| s.access_token) {
                let retried = http::get(url, Some(&token)).await?;
                if retried.status != 401 {
                    return Ok(retried);
                }
            }
        }
        self.sign_out_locally(Some(AuthError::Unauthorized));
        Err(AuthError::Unauthorized)
    }

    /// The provider's `/userinfo` answer for the signed-in user.
    ///
    /// # Errors
    /// As [`Auth::get_with_token`], or when the provider has no userinfo endpoint.
    pub async fn userinfo(&self) -> Result<HttpResponse, AuthError> {
        let metadata = provider::metadata(&self.config.get_value()).await?;
        let url = metadata
            .userinfo_endpoint
            .ok_or(MetadataError::NoUserinfo)?;
        self.get_with_token(&url).await
    }

    /// Takes the outcome of the login finished at the callback: signs the user in and gives where to go, or records why not.
    /// The login started before the configuration was loaded, so its session must
    /// belong to the configured issuer and client (a deploy in between may change them).
    pub(crate) async fn finish_login(&self, outcome: LoginOutcome) -> Option<ReturnTo> {
        let config = self.config.get_value();
        let outcome = outcome.and_then(|(session, return_to)| {
            if session.belongs_to(&config.issuer, &config.client_id) {
                Ok((session, return_to))
            } else {
                Err(AuthError::IssuerMismatch)
            }
        });
        match outcome {
            Ok((session, return_to)) => {
                flow::keep_refresh_token(&config, session.refresh_token.as_ref()).await;
                self.signed_in(session);
                // Not before the destination has painted: nothing on it waits for
                // discovery, so it must not compete with the first render.
                let auth = *self;
                set_timeout(
                    move || auth.prefetch_metadata(),
                    std::time::Duration::from_secs(1),
                );
                Some(return_to)
            }
            Err(error) => {
                self.state.set(AuthState::Failed(error));
                None
            }
        }
    }

    /// Starts discovery in the background, so sign-in, sign-out and `/userinfo` find
    /// the provider's metadata ready.
    fn prefetch_metadata(&self) {
        let config = self.config.get_value();
        spawn_local(async move {
            let _ = provider::metadata(&config).await;
        });
    }

    /// After a reload, signs back in with a refresh token kept in IndexedDB; with none
    /// stored, simply signed out. Failures follow the same rule as renewals.
    async fn restore(&self) {
        if refresh_store::load(&self.names()).await.is_none() {
            self.state.set(AuthState::SignedOut);
            return;
        }
        match flow::refresh(&self.config.get_value(), None).await {
            Ok(session) => self.signed_in(session),
            Err(error) => match after_renewal_failure(&error, None, clock::now_ms()) {
                RenewalFailure::EndSession => self.sign_out_locally(Some(error)),
                _ => self.state.set(AuthState::Failed(error)),
            },
        }
    }

    /// Takes a renewed session unless the user signed out (or in as someone else)
    /// while the renewal was on its way: a late answer must not sign anyone back in.
    fn signed_in_if_current(&self, session: Session) {
        let still_signed_in = self.state.with_untracked(
            |s| matches!(s, AuthState::SignedIn(current) if current.claims.sub == session.claims.sub),
        );
        if still_signed_in {
            self.signed_in(session);
        }
    }

    fn signed_in(&self, session: Session) {
        let renew_in = renewal_delay_ms(&session, clock::now_ms());
        self.state.set(AuthState::SignedIn(Box::new(session)));
        if let Some(delay_ms) = renew_in {
            self.schedule_renewal(delay_ms);
        }
    }

    /// Renews shortly before the access token expires, so the user never notices.
    fn schedule_renewal(&self, delay_ms: u64) {
        self.cancel_renewal();
        let auth = *self;
        let delay = std::time::Duration::from_millis(delay_ms.min(i32::MAX as u64));
        let handle = set_timeout_with_handle(
            move || {
                spawn_local(async move {
                    let _ = auth.renew().await;
                })
            },
            delay,
        );
        self.renewal.set_value(handle.ok());
    }

    fn cancel_renewal(&self) {
        if let Some(handle) = self.renewal.get_value() {
            handle.clear();
            self.renewal.set_value(None);
        }
    }
}

/// Creates the auth context for `config` and provides it to every descendant: sweeps
/// abandoned logins, starts discovery (after the login, at the callback), follows
/// sign-outs in the app's other tabs, and restores a session from a stored refresh
/// token when so configured. Call once, near the root; finish logins with
/// [`crate::HandleCallback`] inside the router.
pub fn provide_auth(config: AuthConfig) -> Auth {
    let names = StorageNames::new(&config.storage_prefix);
    storage::sweep_transactions(&names, clock::now_ms());
    // With a stored refresh token, or at the callback, the app starts
    // "authenticating", so guards wait instead of starting a login.
    let at_callback = pending_login::is_finishing(&config);
    let restore = config.refresh_token_storage == RefreshTokenStorage::IndexedDb && !at_callback;
    let initial = if restore || at_callback {
        AuthState::Authenticating
    } else {
        AuthState::SignedOut
    };
    let auth = Auth::new(config, initial);
    provide_context(auth);
    // The callback has the endpoints it needs in its transaction: discovery would only
    // compete with the token request, so there it waits until the login is done.
    if !at_callback {
        auth.prefetch_metadata();
    }
    broadcast::on_sign_out_elsewhere(&names.channel(), move || {
        auth.sign_out_locally(Some(AuthError::SignedOutElsewhere))
    });
    if restore {
        spawn_local(async move { auth.restore().await });
    }
    auth
}

/// The auth context.
///
/// # Panics
/// When called outside the tree under [`provide_auth`]: a wiring mistake.
pub fn use_auth() -> Auth {
    use_context::<Auth>()
        .expect("use_auth() needs the auth context: call provide_auth() in a parent component")
}
