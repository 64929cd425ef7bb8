//! The auth context for Leptos: provided once at the root, read with [`use_auth`].
//! Pages and components see the user and the tokens only through it.
//!
//! Races, and what makes each safe:
//! - callers in one tab (a double click, the timer, an API call) share one renewal in
//!   flight (`in_flight`, a shared task): one refresh request;
//! - refreshes of all tabs run one at a time under the app's Web Lock, and read the
//!   refresh token (and the session) inside it: nobody spends a spent token;
//! - sign-out wins: it bumps the tab's `generation` at once, so a renewal that
//!   finishes afterwards is dropped, and it forgets and revokes the refresh token
//!   under the same lock, after any refresh in flight in any tab has written what it
//!   got; other tabs follow its broadcast, which bumps theirs;
//! - the callback's code is redeemed at most once per page load (`pending_login`);
//! - a login as another account (a popup, a silent sign-in) bumps the generation too:
//!   work in flight for the last account is dropped when it lands;
//! - the refresh token at rest is bound to its user (`sub`): a tab spends, forgets or
//!   revokes only its own user's, and hearing "signed in as" another account from
//!   another tab drops its session without touching the new account's token;
//! - a login's refresh token is kept under the lock, and only while the tab's
//!   generation is the one it was got in (checked inside the lock).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::answer;
use crate::browser::flow;
use crate::browser::http::{self, HttpResponse};
use crate::browser::pending_login;
use crate::browser::task::SharedTask;
use crate::browser::{
    broadcast, clock, hint, navigation, provider, refresh_store, silent, storage,
};
use crate::error::AuthError;
use crate::error::LoginOutcome;
use oidc_browser_core::authorization::login_options::LoginOptions;
use oidc_browser_core::authorization::return_to::ReturnTo;
use oidc_browser_core::callback::login::{Finished, Landing};
use oidc_browser_core::config::names::StorageNames;
use oidc_browser_core::config::{AuthConfig, RefreshTokenStorage, TokenMediation};
use oidc_browser_core::id_token::claims::IdTokenClaims;
use oidc_browser_core::mediation::lifecycle::NoWorkerReason;
use oidc_browser_core::provider::discovery::MetadataError;
use oidc_browser_core::secret::{AccessToken, IdToken};
use oidc_browser_core::session::logout::{LogoutOptions, LogoutTarget};
use oidc_browser_core::session::schedule::{
    after_renewal_failure, renewal_delay_ms, RenewalFailure,
};
use oidc_browser_core::session::session_event::{on_heard, Heard, SessionEvent};
use oidc_browser_core::session::silent::{
    may_leave_page, origin_of, redirect_after_iframe, silent_renewal_failed, try_at_start,
    PageLoad, SilentSignIn,
};
use oidc_browser_core::session::userinfo::check_subject;
use oidc_browser_core::session::Session;
use oidc_browser_core::token::token_request::{CachedToken, TokenCache, TokenKey, TokenRequest};
use oidc_browser_core::ProtocolError;

mod api;
mod api_answer;
pub(crate) mod auth_providers;
pub(crate) mod callback_auth;
pub(crate) mod chunks;
mod mediated;
mod popup;
pub(crate) mod providers;

use mediated::WorkerAction;

pub use api::{ApiRequest, HttpMethod};
pub use auth_providers::{use_named_auth, AuthProviders};
pub use callback_auth::use_callback_auth;
pub use providers::provide_auths;

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

/// A request for another API's access token, shared by the callers waiting for it.
type TokenFlight = SharedTask<Result<AccessToken, AuthError>>;

/// Handle to the auth state and its actions. `Copy`, so closures take it freely.
#[derive(Clone, Copy)]
pub struct Auth {
    config: StoredValue<AuthConfig>,
    state: RwSignal<AuthState>,
    user: Memo<Option<IdTokenClaims>>,
    renewal: StoredValue<Option<TimeoutHandle>>,
    /// The renewal in flight, shared by every caller in this tab.
    in_flight: StoredValue<Option<SharedTask<Result<(), AuthError>>>, LocalStorage>,
    /// Bumped whenever the session is forgotten: work started before is dropped.
    generation: StoredValue<u64>,
    /// Renewals failed in a row (for the back-off).
    failures: StoredValue<u32>,
    /// The app state the last finished login carried.
    app_state: RwSignal<Option<serde_json::Value>>,
    /// Access tokens for other APIs than the configured one, per audience and scope.
    tokens: StoredValue<TokenCache>,
    /// Their requests in flight, one per key, shared by every caller in this tab.
    token_flights: StoredValue<Vec<(TokenKey, TokenFlight)>, LocalStorage>,
    /// What to show if the browser brings this page back from its back/forward cache
    /// after it left for the provider (a login or a logout): the page's memory still
    /// says "authenticating" or "signing out", and nothing else would ever change it.
    on_return: StoredValue<Option<AuthState>>,
    /// When this page left for the provider (ms since the epoch).
    left_at_ms: StoredValue<u64>,
    /// The conversation with the token worker, when the configuration asks for one
    /// (`token_mediation`): `None` in the page mode.
    worker: StoredValue<Option<mediated::WorkerPage>, LocalStorage>,
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
            in_flight: StoredValue::new_local(None),
            generation: StoredValue::new(0),
            failures: StoredValue::new(0),
            app_state: RwSignal::new(None),
            tokens: StoredValue::new(TokenCache::default()),
            token_flights: StoredValue::new_local(Vec::new()),
            on_return: StoredValue::new(None),
            left_at_ms: StoredValue::new(0),
            worker: StoredValue::new_local(None),
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

    /// True while a login is being started or finished, or a sign-out is on its way
    /// to the provider: sign-in buttons wait, so a click cannot race the sign-out.
    pub fn is_loading(&self) -> Signal<bool> {
        let state = self.state;
        Signal::derive(move || {
            state.with(|s| matches!(s, AuthState::Authenticating | AuthState::SigningOut))
        })
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

    /// True when the session holds a refresh token (`offline_access` was granted; with
    /// the token worker, when the worker holds one).
    pub fn can_renew(&self) -> Signal<bool> {
        let (state, worker) = (self.state, self.worker);
        Signal::derive(move || {
            state.with(|s| match s {
                AuthState::SignedIn(session) => worker.with_value(|page| match page {
                    Some(page) if page.mediates() => page.renewable(),
                    _ => session.refresh_token.is_some(),
                }),
                _ => false,
            })
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

    /// The app state given to the login that signed the user in
    /// ([`LoginOptions::app_state`]), once that login has finished; `None` before, or
    /// when the login carried none. Kept until the next login finishes, forgotten at
    /// sign-out.
    pub fn app_state(&self) -> ReadSignal<Option<serde_json::Value>> {
        self.app_state.read_only()
    }

    /// Starts a login: the browser leaves for the provider. On failure the error is
    /// shown through [`Auth::error`]. While a login is being started or a session
    /// established ([`Auth::is_loading`]), a second call does nothing: two calls in one
    /// task (a double click, a guard and a button) make one transaction, one redirect.
    pub fn login(&self, options: LoginOptions) {
        if self.is_loading().get_untracked() {
            return;
        }
        let auth = *self;
        self.leave_for_provider(AuthState::Authenticating);
        spawn_local(async move {
            let started = if auth.mediates() {
                chunks::through_worker(auth, WorkerAction::Login(options))
                    .await
                    .map(drop)
            } else {
                chunks::start_login(auth, options).await
            };
            if let Err(error) = started {
                auth.state.set(AuthState::Failed(error));
            }
        });
    }

    /// Signs out: forgets every token and pending login here and in the app's other
    /// tabs, then ends the provider's session where it can (its logout page comes
    /// back to `post_logout_redirect_uri`). Where it cannot (a provider with no
    /// logout endpoint, or `local_only`), the state becomes
    /// [`AuthState::SignedOutLocally`]. When the code that forgets the refresh token
    /// cannot load, the state is that error, and the next page load of the app in this
    /// browser forgets the token before anything else.
    pub fn logout(&self, options: LogoutOptions) {
        let auth = *self;
        if self.mediates() {
            // The worker forgets, revokes and tells every tab; this tab waits for
            // where it says to go.
            self.forget_tab_state(AuthState::SigningOut, true);
            self.returning_to(AuthState::SignedOut);
            spawn_local(async move {
                if let Err(error) =
                    chunks::through_worker(auth, WorkerAction::Logout(options)).await
                {
                    auth.state.set(AuthState::Failed(error));
                }
            });
            return;
        }
        let id_token = self.session().map(|s| s.id_token);
        self.forget_tab_state(AuthState::SigningOut, true);
        self.returning_to(AuthState::SignedOut);
        // Until the refresh token is known forgotten (its code loads first), the next
        // page load finishes the sign-out instead of restoring the session; the other
        // tabs hear it now (each forgets its session and its user's token), not once
        // the code has loaded: a tab closed meanwhile must not leave them signed in.
        hint::set_sign_out_pending(&self.names(), true);
        broadcast::announce(&self.names().channel(), &SessionEvent::SignedOut);
        spawn_local(chunks::logout(auth, id_token, options));
    }

    /// The rest of a sign-out, once the tab has forgotten its session (and told the
    /// app's other tabs): the refresh token is forgotten, checked gone and revoked
    /// before the page leaves, after any refresh in flight in any tab (whoever's it
    /// is: the user signs out of the app in this browser); then to the provider's
    /// logout page, or signed out of this app only.
    async fn leave_signed_out(self, id_token: Option<IdToken>, options: LogoutOptions) {
        let config = self.config.get_value();
        if let Err(error) = flow::end_refresh_token(&config, None).await {
            self.state.set(AuthState::Failed(error));
            return;
        }
        hint::set_sign_out_pending(&self.names(), false);
        match flow::logout_destination(&config, id_token.as_ref(), options).await {
            Ok(LogoutTarget::Provider(url)) => {
                if let Err(error) = navigation::assign(&url) {
                    self.state.set(AuthState::Failed(error.into()));
                }
            }
            Ok(LogoutTarget::LocalOnly) => self.state.set(AuthState::SignedOutLocally),
            Err(error) => self.state.set(AuthState::Failed(error)),
        }
    }

    /// Moves to `leaving` (a login starting) and remembers what to show if the Back
    /// button brings this very page back from the back/forward cache: the session
    /// as it was (a step-up by redirect), or, with nobody signed in, that the
    /// sign-in was not finished. Not plain "signed out": a guard would start the
    /// same login at once, and Back could never leave the provider's page.
    fn leave_for_provider(&self, leaving: AuthState) {
        let back = match self.state.get_untracked() {
            AuthState::SignedIn(session) => AuthState::SignedIn(session),
            _ => AuthState::Failed(AuthError::LoginNotFinished),
        };
        self.returning_to(back);
        self.state.set(leaving);
    }

    /// Remembers `back` as what to show if this page comes back from the
    /// back/forward cache, and when it left.
    fn returning_to(&self, back: AuthState) {
        self.on_return.set_value(Some(back));
        self.left_at_ms.set_value(clock::now_ms());
    }

    /// The page is shown again from the back/forward cache: a login or logout it left
    /// for is not going on here any more. Shows the state it left in, unless this tab
    /// finished a login since in another page (Back twice, past a callback): then the
    /// session is looked for as on a reload. Not otherwise: a guard would start the
    /// same login again, and Back could never leave the provider's page.
    fn restored_from_cache(&self) {
        let waiting = self
            .state
            .with_untracked(|s| matches!(s, AuthState::Authenticating | AuthState::SigningOut));
        if self.mediates() {
            // The worker knows where the session stands now (a sign-out or a lost
            // memory while this page slept): its answer to a hello brings the page up
            // to date, whatever it showed.
            if let Some(back) = self.on_return.get_value().filter(|_| waiting) {
                self.on_return.set_value(None);
                self.state.set(back);
            }
            let auth = *self;
            spawn_local(async move {
                let _ = chunks::through_worker(auth, WorkerAction::Hello).await;
            });
            return;
        }
        let Some(back) = self.on_return.get_value().filter(|_| waiting) else {
            return;
        };
        self.on_return.set_value(None);
        let look_again = !matches!(back, AuthState::SignedIn(_))
            && storage::login_finished_since(
                &self.names(),
                self.left_at_ms.get_value(),
                clock::now_ms(),
            );
        if look_again {
            let here =
                ReturnTo::parse(&(navigation::current_path() + &navigation::current_query()))
                    .unwrap_or_else(|_| ReturnTo::home());
            spawn_local(chunks::start_session(*self, here));
        } else {
            self.state.set(back);
        }
    }

    /// Forgets everything in this tab, and forgets and revokes the session's refresh
    /// token (never a token kept for another account since); `reason` is shown when
    /// given.
    fn sign_out_locally(&self, reason: Option<AuthError>) {
        let sub = self.session().map(|s| s.claims.sub);
        self.sign_out_locally_as(reason, sub);
    }

    /// [`Auth::sign_out_locally`] for the session of `sub` (`None`: this tab has no
    /// session, so no kept token is its own and none is touched).
    fn sign_out_locally_as(&self, reason: Option<AuthError>, sub: Option<String>) {
        // Another account is signed in now: its "signed in here before" mark stays.
        let clear_hint =
            reason != Some(AuthError::Protocol(ProtocolError::AccountSwitchedElsewhere));
        self.forget_tab_state(
            reason.map_or(AuthState::SignedOut, AuthState::Failed),
            clear_hint,
        );
        if let Some(sub) = sub {
            spawn_local(chunks::end_refresh_token(self.config.get_value(), sub));
        }
    }

    /// Stops renewal, drops pending logins and the session, and moves to `next`.
    /// Work started before (a renewal in flight) is dropped when it finishes.
    fn forget_tab_state(&self, next: AuthState, clear_hint: bool) {
        self.drop_work_in_flight();
        // The next key use reads the stored key anew: another tab may have removed
        // it (a sign-out) or made another (a new login) meanwhile.
        crate::browser::dpop::drop_cached();
        if clear_hint {
            hint::set_signed_in_before(&self.names(), false);
        }
        storage::clear_transactions(&self.names());
        self.app_state.set(None);
        self.state.set(next);
    }

    /// Starts a new generation: renewals and token requests in flight are dropped
    /// when they land, the renewal timer and the other APIs' tokens are gone.
    fn drop_work_in_flight(&self) {
        self.generation.update_value(|g| *g += 1);
        self.in_flight.set_value(None);
        self.failures.set_value(0);
        self.cancel_renewal();
        self.tokens.set_value(TokenCache::default());
        self.token_flights.set_value(Vec::new());
    }

    /// True while the token worker holds the tokens (`token_mediation`, and no
    /// fallback to the page).
    fn mediates(&self) -> bool {
        self.worker
            .with_value(|page| page.as_ref().is_some_and(mediated::WorkerPage::mediates))
    }

    /// Why this page keeps its tokens itself although the configuration asks for the
    /// token worker (`token_mediation_fallback`: none could be used here); `None`
    /// otherwise. Known once the state has left [`AuthState::Authenticating`] at start;
    /// the console says it too.
    pub fn token_worker_fallback(&self) -> Option<NoWorkerReason> {
        self.worker
            .with_value(|page| page.as_ref().and_then(mediated::WorkerPage::fell_back))
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
    /// refresh token allows. `None` when signed out or the session cannot be renewed,
    /// and always with the token worker (`token_mediation`), which keeps every token
    /// out of the page: call APIs with [`Auth::call_api`] there.
    pub async fn access_token(&self) -> Option<AccessToken> {
        if self.mediates() {
            // The token worker keeps it: the page never holds one.
            return None;
        }
        let session = self.session()?;
        if let Some(token) = session.fresh_access_token(clock::now_ms()) {
            return Some(token.clone());
        }
        if !self.can_renew_session(&session) {
            return None;
        }
        self.renew().await.ok()?;
        self.session().map(|s| s.access_token)
    }

    /// Renews the tokens with the refresh token now; callers at the same time share
    /// one renewal. What a failure means is the core's rule
    /// ([`oidc_browser_core::session::schedule::after_renewal_failure`]): a refused refresh token signs the
    /// user out with a message; a passing failure keeps the session and retries,
    /// backing off.
    ///
    /// # Errors
    /// The [`AuthError`] of the failed refresh; [`ProtocolError::SessionEnded`] when the
    /// user signed out meanwhile.
    pub async fn renew(&self) -> Result<(), AuthError> {
        if self.mediates() {
            return chunks::through_worker(*self, WorkerAction::Renew)
                .await
                .map(drop);
        }
        let task = match self.in_flight.get_value() {
            Some(task) => task,
            None => {
                let auth = *self;
                let task = SharedTask::spawn(async move { auth.renew_once().await });
                self.in_flight.set_value(Some(task.clone()));
                task
            }
        };
        task.join().await
    }

    /// True when `session` can be renewed: with its refresh token, or by a silent
    /// sign-in.
    fn can_renew_session(&self, session: &Session) -> bool {
        session.refresh_token.is_some()
            || self
                .config
                .with_value(|c| c.silent_sign_in != SilentSignIn::Off)
    }

    async fn renew_once(self) -> Result<(), AuthError> {
        let generation = self.generation.get_value();
        let config = self.config.get_value();
        let with_refresh_token = self.session().is_some_and(|s| s.refresh_token.is_some());
        let result = chunks::renewal(self, config, with_refresh_token, generation).await;
        if self.generation.try_get_value() != Some(generation) {
            // Signed out while the renewal was on its way: nothing of it is kept.
            return Err(AuthError::Protocol(ProtocolError::SessionEnded));
        }
        self.in_flight.set_value(None);
        match result {
            Ok(session) => {
                self.failures.set_value(0);
                self.signed_in(session);
                Ok(())
            }
            Err(error) => {
                let failures = self.failures.get_value();
                let current = self.session();
                match after_renewal_failure(
                    error.protocol(),
                    current.as_ref(),
                    failures,
                    clock::now_ms(),
                ) {
                    RenewalFailure::EndSession => self.sign_out_locally(Some(error.clone())),
                    RenewalFailure::RetryIn(delay_ms) => {
                        self.failures.set_value(failures.saturating_add(1));
                        self.schedule_renewal(delay_ms);
                    }
                    RenewalFailure::RetryOnDemand => {}
                    // Without a session in memory (none to renew): as a failed restore.
                    RenewalFailure::NotRestored | RenewalFailure::SignInSilently => {
                        self.state.set(AuthState::Failed(error.clone()))
                    }
                }
                Err(error)
            }
        }
    }

    /// The provider's `/userinfo` answer for the signed-in user; a successful answer
    /// is handed out only when its `sub` is the ID token's (Core 5.3.4).
    ///
    /// # Errors
    /// As [`Auth::get_with_token`]; [`ProtocolError::Userinfo`] for an answer about
    /// someone else (or about nobody); when the provider has no userinfo endpoint.
    pub async fn userinfo(&self) -> Result<HttpResponse, AuthError> {
        let metadata = provider::metadata(&self.config.get_value()).await?;
        let url = metadata
            .userinfo_endpoint
            .ok_or(MetadataError::NoUserinfo)?;
        let response = self.get_with_token(&url).await?;
        if (200..300).contains(&response.status) {
            let sub = self.session().map(|s| s.claims.sub).unwrap_or_default();
            check_subject(&response.body, &sub)?;
        }
        Ok(response)
    }

    /// Renews a session without refresh token by a silent sign-in in the iframe: the
    /// same user must come back; one who needs to interact has no session any more.
    async fn renew_silently(&self, config: &AuthConfig) -> Result<Session, AuthError> {
        let here =
            ReturnTo::parse(&navigation::current_path()).unwrap_or_else(|_| ReturnTo::home());
        let gone = || silent_renewal_failed(&navigation::current_origin(), &config.issuer);
        match silent::in_iframe(config, here).await {
            Ok(Finished::SignedIn(session, ..)) => match self.session() {
                Some(current) if current.claims.sub != session.claims.sub => {
                    Err(AuthError::Protocol(ProtocolError::SubjectChanged))
                }
                _ => Ok(*session),
            },
            Ok(Finished::SignedOutQuietly(_) | Finished::Replayed(_)) => Err(gone().into()),
            // No answer at all: on one site a slow provider (retried), across sites
            // the blocked cookies again.
            Err(AuthError::SilentTimeout) => match gone() {
                ProtocolError::SessionEnded => Err(AuthError::SilentTimeout),
                blocked => Err(blocked.into()),
            },
            Err(error) => Err(error),
        }
    }

    /// After a reload without a session: signs the user back in silently when this
    /// browser signed in here before (the iframe, then where it cannot work a
    /// top-level redirect, once per tab), coming back to `here`; otherwise, or when
    /// the provider needs the user, quietly signed out on the page they opened. A
    /// passing failure (offline, a provider hiccup) keeps the "signed in here before"
    /// mark: the next page load tries again.
    async fn sign_in_silently(self, here: ReturnTo) {
        let config = self.config.get_value();
        let names = self.names();
        let generation = self.generation.get_value();
        let outcome = silent::in_iframe(&config, here.clone()).await;
        if self.generation.try_get_value() != Some(generation) {
            return;
        }
        let needs_the_provider_page = match outcome {
            Ok(Finished::SignedIn(session, landing)) => {
                self.signed_in_by_login(&config, *session, landing);
                return;
            }
            Ok(Finished::SignedOutQuietly(_) | Finished::Replayed(_))
            | Err(AuthError::SilentTimeout) => true,
            Err(error) if error.is_transient() => {
                self.state.set(AuthState::SignedOut);
                return;
            }
            Err(_) => false,
        };
        let app_origin = navigation::current_origin();
        let redirect = needs_the_provider_page
            && redirect_after_iframe(
                config.silent_sign_in,
                &app_origin,
                origin_of(&config.issuer),
                hint::redirect_tried(&names),
            );
        if redirect {
            // Another provider of the page leaving, or a login being finished here:
            // a later page load tries, this one's mark kept.
            let claimed = navigation::claim_silent_departure();
            if !may_leave_page(pending_login::finishing_a_login(), !claimed) {
                if claimed {
                    navigation::stay_after_all();
                }
                self.state.set(AuthState::SignedOut);
                return;
            }
            // Back from the provider to this very page finds nobody signed in.
            self.returning_to(AuthState::SignedOut);
            let still_current = move || self.generation.try_get_value() == Some(generation);
            if silent::by_redirect(&config, here, still_current)
                .await
                .is_ok()
            {
                return;
            }
            navigation::stay_after_all();
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
        }
        self.signed_out_quietly();
    }

    /// Nobody is signed in, and that is not an error: the page simply shows the
    /// signed-out view. The "signed in here before" hint is gone.
    fn signed_out_quietly(&self) {
        hint::set_signed_in_before(&self.names(), false);
        self.state.set(AuthState::SignedOut);
    }

    /// This tab's generation, for work that must be dropped if the session is
    /// forgotten before it lands ([`Auth::finish_login`]).
    pub(crate) fn generation(&self) -> u64 {
        self.generation.get_value()
    }

    /// Takes the outcome of the login finished at the callback: signs the user in and
    /// gives where to go, or records why not. The login started before the
    /// configuration was loaded, so its session must belong to the configured issuer
    /// and client (a deploy in between may change them). `started_in`: the generation
    /// when the code exchange was awaited; a sign-out heard from another tab meanwhile
    /// wins, and nothing of the login is kept.
    pub(crate) fn finish_login(&self, outcome: LoginOutcome, started_in: u64) -> Option<ReturnTo> {
        if self.generation.get_value() != started_in {
            return None;
        }
        let config = self.config.get_value();
        let outcome = outcome.and_then(|finished| match finished {
            Finished::SignedIn(session, ..)
                if !session.belongs_to(&config.issuer, &config.client_id) =>
            {
                Err(AuthError::Protocol(ProtocolError::ConfigurationChanged))
            }
            finished => Ok(finished),
        });
        match outcome {
            Ok(Finished::SignedOutQuietly(return_to)) => {
                self.signed_out_quietly();
                Some(return_to)
            }
            Ok(Finished::Replayed(return_to)) => {
                // No error: the user's provider session is likely open. Recover it as
                // a reload would, landing where the replayed login landed.
                let auth = *self;
                let here = return_to.clone();
                spawn_local(chunks::start_session(auth, here));
                Some(return_to)
            }
            Ok(Finished::SignedIn(session, landing)) => {
                let return_to = landing.return_to.clone();
                self.signed_in_by_login(&config, *session, landing);
                // Not before the destination has painted: nothing on it waits for
                // discovery, so it must not compete with the first render.
                let auth = *self;
                set_timeout(
                    move || auth.prefetch_provider(),
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

    /// Signs in with the session a login (at the callback, or in a popup) finished
    /// with: its app state, its refresh token kept, its token filed for its API.
    ///
    /// The refresh token is stored behind the first paint instead of before it
    /// (measured at the callback: 4–6 ms). Still first in line: the task asks for the
    /// cross-tab refresh lock on its first poll, a microtask queued now, before any
    /// renewal or sign-out this sign-in can start (those are later tasks, timers or
    /// clicks, and wait for the same lock, granted in request order), so they read
    /// the token this stores.
    ///
    /// A login as another account than the one signed in starts a new generation
    /// first: a renewal or token request in flight for the last account is dropped
    /// when it lands. The app's other tabs hear who signed in, and drop a session of
    /// another account.
    fn signed_in_by_login(&self, config: &AuthConfig, session: Session, landing: Landing) {
        if self
            .session()
            .is_some_and(|current| current.claims.sub != session.claims.sub)
        {
            self.drop_work_in_flight();
        }
        self.app_state.set(landing.app_state);
        self.keep_login_refresh_token(config, &session);
        let session = self.file_login_token(config, session, &landing.api);
        self.signed_in(session);
    }

    /// Keeps the refresh token (or its absence) a login or silent sign-in of
    /// `session`'s user got ([`flow::keep_refresh_token`]), unless this tab's session
    /// is forgotten before the lock is granted; then tells the app's other tabs who
    /// signed in. In that order: a tab of another account that drops its session on
    /// hearing it asks for the lock after this write, so it finds the new account's
    /// token kept and leaves it (and the DPoP key) alone.
    fn keep_login_refresh_token(&self, config: &AuthConfig, session: &Session) {
        self.keep_login_refresh_token_of(self.generation.get_value(), config, session, true);
    }

    /// [`Auth::keep_login_refresh_token`] for a login that started in `generation`:
    /// nothing is kept if the tab's session was forgotten since. `by_login`: a login
    /// of the user's (not a renewal's silent sign-in), which supersedes a sign-out
    /// left unfinished.
    fn keep_login_refresh_token_of(
        &self,
        generation: u64,
        config: &AuthConfig,
        session: &Session,
        by_login: bool,
    ) {
        let auth = *self;
        let config = config.clone();
        let (sub, token) = (session.claims.sub.clone(), session.refresh_token.clone());
        let renewal = !by_login;
        spawn_local(async move {
            // Inside the lock: a login after an unfinished sign-out clears its mark
            // there, before its token is written, so a tab finishing that sign-out
            // (under the same lock) leaves the new token alone. A renewal's silent
            // sign-in does not: the session it continues is the one signed out of.
            let still_current = move || {
                let current = auth.generation.try_get_value() == Some(generation);
                if current && !renewal {
                    hint::set_sign_out_pending(&auth.names(), false);
                }
                current
            };
            let signed_in = SessionEvent::SignedIn(sub.clone());
            flow::keep_refresh_token(&config, sub, token, still_current).await;
            if auth.generation.try_get_value() == Some(generation) {
                broadcast::announce(&auth.names().channel(), &signed_in);
            }
        });
    }

    /// A login for another API than the configured one (a step-up for it, say) got
    /// that API's token: it is filed in the cache for that API, and the session's own
    /// token counts as stale, so the configured API's token is fetched when needed.
    fn file_login_token(
        &self,
        config: &AuthConfig,
        mut session: Session,
        api: &TokenRequest,
    ) -> Session {
        let key = TokenKey::of(config, api);
        if key != TokenKey::default_for(config) {
            let token = CachedToken::from_session(&session);
            self.tokens.update_value(|cache| cache.insert(key, token));
            session.expires_at_ms = session.received_at_ms;
        }
        session
    }

    /// Starts discovery, then the key set, in the background: sign-in, sign-out and
    /// `/userinfo` find the metadata ready, and a login carries the keys along.
    fn prefetch_provider(&self) {
        spawn_local(chunks::prefetch_provider(self.config.get_value()));
    }

    /// A page load without a session (a reload, a replayed callback): restores one
    /// from a refresh token kept in IndexedDB, or signs in silently when this browser
    /// signed in here before, coming back to `here`; otherwise simply signed out.
    async fn start_session(self, here: ReturnTo) {
        let config = self.config.get_value();
        if hint::sign_out_pending(&self.names()) {
            self.finish_sign_out(&config).await;
        } else if config.refresh_token_storage == RefreshTokenStorage::IndexedDb {
            self.restore(here).await;
        } else if try_at_start(config.silent_sign_in, hint::signed_in_before(&self.names())) {
            self.sign_in_silently(here).await;
        } else {
            self.state.set(AuthState::SignedOut);
        }
    }

    /// A sign-out that did not finish forgetting its refresh token (its page was
    /// closed, or its code could not load): forgotten and revoked now, whoever's it
    /// is, and nobody is signed in.
    ///
    /// The mark is read again inside the refresh lock: a login in another tab that
    /// kept its token meanwhile cleared it there, and its token stays. The provider's
    /// session may still be open: signed out of this app only.
    async fn finish_sign_out(&self, config: &AuthConfig) {
        let generation = self.generation.get_value();
        let names = self.names();
        let still_pending = move || hint::sign_out_pending(&names);
        let ended = flow::end_refresh_token_if(config, None, still_pending).await;
        if self.generation.try_get_value() != Some(generation) {
            return;
        }
        match ended {
            Ok(()) => {
                hint::set_sign_out_pending(&self.names(), false);
                hint::set_signed_in_before(&self.names(), false);
                self.state.set(AuthState::SignedOutLocally);
            }
            Err(error) => self.state.set(AuthState::Failed(error)),
        }
    }

    /// After a reload, signs back in with a refresh token kept in IndexedDB; with none
    /// stored, silently as [`Auth::sign_in_silently`] or simply signed out. Failures
    /// follow the same rule as renewals.
    async fn restore(&self, here: ReturnTo) {
        let config = self.config.get_value();
        let Some(kept) = refresh_store::load(&config).await else {
            if try_at_start(config.silent_sign_in, hint::signed_in_before(&self.names())) {
                self.sign_in_silently(here).await;
            } else {
                self.state.set(AuthState::SignedOut);
            }
            return;
        };
        let generation = self.generation.get_value();
        let result = flow::refresh(&config, || None).await;
        if self.generation.try_get_value() != Some(generation) {
            return;
        }
        match result {
            Ok(session) => self.signed_in(session),
            // The restored session was the kept token's user: theirs is forgotten,
            // never a token another tab kept since for someone else.
            Err(error) => match after_renewal_failure(error.protocol(), None, 0, clock::now_ms()) {
                RenewalFailure::EndSession => self.sign_out_locally_as(Some(error), Some(kept.sub)),
                RenewalFailure::SignInSilently if config.silent_sign_in != SilentSignIn::Off => {
                    self.sign_in_silently(here).await;
                }
                _ => self.state.set(AuthState::Failed(error)),
            },
        }
    }

    fn signed_in(&self, session: Session) {
        let names = self.names();
        hint::set_signed_in_before(&names, true);
        hint::set_redirect_tried(&names, false);
        let renew_in = self
            .can_renew_session(&session)
            .then(|| renewal_delay_ms(&session, clock::now_ms()));
        self.state.set(AuthState::SignedIn(Box::new(session)));
        if let Some(delay_ms) = renew_in {
            self.schedule_renewal(delay_ms);
            chunks::preload_renewal();
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

/// Creates the auth context for `config` and provides it to every descendant: follows
/// sign-outs in the app's other tabs, finishes a sign-out a last page load left
/// unfinished, restores a session from a stored refresh token when so configured, and
/// half a second later (after the first paint) sweeps abandoned logins and starts
/// discovery (after the login, at the callback). Call once, near the root; finish
/// logins with `HandleCallback` inside the router (feature `router`), or
/// [`crate::FinishLogin`] in an app without one.
pub fn provide_auth(config: AuthConfig) -> Auth {
    http::set_timeout_secs(config.http_timeout_secs);
    pending_login::set_owner_rule(None);
    let auth = start_auth(config);
    provide_context(auth);
    auth
}

/// The context for `config`, started as [`provide_auth`] describes but not provided:
/// the page's rule for whose a callback is set first ([`pending_login::set_owner_rule`]).
pub(crate) fn start_auth(mut config: AuthConfig) -> Auth {
    // The token worker where the browser has no service workers (Firefox's private
    // windows): the page mode, when the configuration allows it. Decided here, before
    // anything looks at the callback: once a worker is registered, it takes the page's
    // requests, and the page mode could not work under it.
    let fell_back = config.token_mediation == TokenMediation::ServiceWorker
        && config.token_mediation_fallback
        && !crate::browser::worker_link::available();
    if fell_back {
        web_sys::console::warn_1(
            &"leptos-pkce: this browser has no service workers: the tokens are kept in the page \
              (token_mediation_fallback)"
                .into(),
        );
        config.token_mediation = TokenMediation::Page;
    }
    let names = StorageNames::new(&config.storage_prefix);
    // With a stored refresh token, or at the callback, the app starts
    // "authenticating", so guards wait instead of starting a login.
    let at_callback = pending_login::is_finishing(&config);
    let page = PageLoad::of(
        navigation::is_framed(),
        navigation::current_path() == config.silent_path(),
    );
    // Served at the silent page's path (no static page there, the single-page
    // fallback answered): the app hands the answer over in its place.
    if page == PageLoad::AtSilentPage {
        if answer::hand_over_as_silent_page() {
            // Handed over: the code and state leave this window's address bar.
            navigation::replace_url(&navigation::current_path());
        } else {
            warn_app_at_silent_page(&config);
        }
    }
    let may_start = page.may_start_session();
    // A sign-out that did not finish is finished first (see `Auth::start_session`).
    let restore = (config.refresh_token_storage == RefreshTokenStorage::IndexedDb
        || hint::sign_out_pending(&names))
        && !at_callback
        && may_start;
    // Without a refresh token at rest, a returning user is signed back in silently;
    // signed-out visitors (no hint) never reach the provider.
    let silently = !restore
        && !at_callback
        && may_start
        && try_at_start(config.silent_sign_in, hint::signed_in_before(&names));
    let initial = if restore || at_callback || silently {
        AuthState::Authenticating
    } else {
        AuthState::SignedOut
    };
    let mediated = config.token_mediation == TokenMediation::ServiceWorker;
    let auth = Auth::new(config, initial);
    if fell_back {
        auth.worker
            .set_value(Some(mediated::WorkerPage::fallen_back()));
    }
    navigation::on_restored_from_cache(move || {
        navigation::stay_after_all();
        auth.restored_from_cache();
    });
    // Not in a frame: nothing there signs in or out (the worker answers a silent
    // sign-in's frame itself).
    if mediated && may_start {
        // The worker holds the tokens: the context follows it from the start.
        auth.worker.set_value(Some(mediated::WorkerPage::default()));
        auth.state.set(AuthState::Authenticating);
        spawn_local(async move {
            if let Err(error) = chunks::through_worker(auth, WorkerAction::Start).await {
                auth.state.set(AuthState::Failed(error));
            }
        });
        return auth;
    }
    auth.start_in_page(at_callback, restore, silently, may_start);
    auth
}

impl Auth {
    /// Starts the page mode: follows the app's other tabs, restores or signs in
    /// silently as decided, and preloads what a click needs after the first paint.
    fn start_in_page(self, at_callback: bool, restore: bool, silently: bool, may_start: bool) {
        let auth = self;
        let names = self.names();
        self.follow_other_tabs();
        if restore || silently {
            // Discovery beside the session's start, as the restore needs it at once.
            auth.prefetch_provider();
            let here =
                ReturnTo::parse(&(navigation::current_path() + &navigation::current_query()))
                    .unwrap_or_else(|_| ReturnTo::home());
            spawn_local(chunks::start_session(auth, here));
        }
        // What a click on Sign In (or Sign Out) needs, once the first page has painted:
        // the chunks, the provider's metadata and keys. Not at the callback: the login's
        // transaction has the endpoints, and discovery would compete with the token
        // request; there it waits until the login is done.
        // Not in a frame: nothing there signs in or out.
        if may_start {
            set_timeout(
                move || {
                    chunks::preload_actions(names);
                    if !at_callback && !restore && !silently {
                        auth.prefetch_provider();
                    }
                },
                std::time::Duration::from_millis(500),
            );
        }
    }

    /// Follows sign-outs and account switches in the app's other tabs.
    fn follow_other_tabs(self) {
        let auth = self;
        broadcast::on_event_elsewhere(&self.names().channel(), move |event| {
            let mine = auth.session().map(|s| s.claims.sub);
            match on_heard(&event, mine.as_deref()) {
                Heard::SignOut => auth
                    .sign_out_locally(Some(AuthError::Protocol(ProtocolError::SignedOutElsewhere))),
                Heard::AccountSwitched => auth.sign_out_locally(Some(AuthError::Protocol(
                    ProtocolError::AccountSwitchedElsewhere,
                ))),
                Heard::Nothing => {}
            }
        });
    }
}

/// Says in the console that the app was opened at `silent_redirect_uri` as a page of
/// its own (no frame or popup to hand an answer to): it starts no sign-in there.
fn warn_app_at_silent_page(config: &AuthConfig) {
    web_sys::console::warn_1(
        &format!(
            "leptos-pkce: the app was opened at silent_redirect_uri ({}), the path where silent \
             sign-ins and popups answer; it starts no sign-in there.",
            config.silent_redirect_uri
        )
        .into(),
    );
}

/// The auth context.
///
/// # Panics
/// When called outside the tree under [`provide_auth`]: a wiring mistake.
pub fn use_auth() -> Auth {
    use_context::<Auth>()
        .expect("use_auth() needs the auth context: call provide_auth() in a parent component")
}
