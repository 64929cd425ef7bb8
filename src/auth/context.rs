//! The auth context for Leptos: provided once at the root, read with [`use_auth`].
//! Pages and components see the user only through it.

use leptos::prelude::*;

use super::authorize::LoginOptions;
use super::browser::flow::{self, LoginError};
use super::browser::{clock, storage};
use super::claims::IdTokenClaims;
use super::config::AuthConfig;
use super::return_to::ReturnTo;
use super::secret::AccessToken;
use super::session::Session;

/// Where the app stands with the user.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthState {
    /// Nobody is signed in.
    SignedOut,
    /// A login is being finished (at the callback) or started.
    Authenticating,
    /// A user is signed in.
    SignedIn(Box<Session>),
    /// The last login failed; nobody is signed in.
    Failed(LoginError),
}

/// Handle to the auth state and its actions. `Copy`, so closures take it freely.
#[derive(Clone, Copy)]
pub struct Auth {
    config: StoredValue<AuthConfig>,
    state: RwSignal<AuthState>,
    user: Memo<Option<IdTokenClaims>>,
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

    /// True while a login is being finished.
    pub fn is_loading(&self) -> Signal<bool> {
        let state = self.state;
        Signal::derive(move || state.with(|s| matches!(s, AuthState::Authenticating)))
    }

    /// True when a user is signed in.
    pub fn is_authenticated(&self) -> Signal<bool> {
        let user = self.user;
        Signal::derive(move || user.with(Option::is_some))
    }

    /// The signed-in user's validated ID token claims.
    pub fn user(&self) -> Memo<Option<IdTokenClaims>> {
        self.user
    }

    /// The last login's error, if it failed.
    pub fn error(&self) -> Signal<Option<LoginError>> {
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
        self.state.set(AuthState::Authenticating);
        if let Err(error) = flow::start_login(&self.config.get_value(), options) {
            self.state.set(AuthState::Failed(error));
        }
    }

    /// Signs out locally: forgets every token and pending login.
    pub fn logout(&self) {
        storage::clear_transactions();
        self.state.set(AuthState::SignedOut);
    }

    /// The access token, if signed in and not about to expire.
    pub fn access_token(&self) -> Option<AccessToken> {
        self.state.with_untracked(|s| match s {
            AuthState::SignedIn(session) => session.fresh_access_token(clock::now_ms()).cloned(),
            _ => None,
        })
    }

    /// Finishes a login from the callback `query`. Call once per page load: the
    /// transaction is spent by the first call.
    pub async fn complete_login(&self, query: &str) -> Option<ReturnTo> {
        self.state.set(AuthState::Authenticating);
        match flow::complete_login(&self.config.get_value(), query).await {
            Ok((session, return_to)) => {
                self.state.set(AuthState::SignedIn(Box::new(session)));
                Some(return_to)
            }
            Err(error) => {
                self.state.set(AuthState::Failed(error));
                None
            }
        }
    }
}

/// Creates the auth context for `config` and provides it to every descendant.
/// Sweeps abandoned login transactions on the way.
pub fn provide_auth(config: AuthConfig) -> Auth {
    storage::sweep_transactions(clock::now_ms());
    let auth = Auth::new(config, AuthState::SignedOut);
    provide_context(auth);
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
