//! What the worker serves: the mediated providers of the app's `config.json`, their
//! metadata and rules, and the session of each, in the worker's memory only.

use std::cell::RefCell;

use oidc_browser_core::config::providers::ProvidersError;
use oidc_browser_core::config::AuthConfig;
use oidc_browser_core::mediation::config::{mediated_providers, MediatedProvider};
use oidc_browser_core::mediation::protocol::SessionView;
use oidc_browser_core::mediation::several::{ProviderRule, ProviderRules};
use oidc_browser_core::provider::discovery::ProviderMetadata;
use oidc_browser_core::session::Session;
use wasm_bindgen::JsValue;

use super::error::WorkerError;
use crate::browser::dpop::{self, DpopKey};
use crate::browser::provider;
use crate::browser::task::SharedTask;
use crate::browser::{clock, http};

/// One provider the worker keeps tokens for.
pub(super) struct Served {
    /// Its configuration.
    pub config: AuthConfig,
    /// Its endpoints.
    pub metadata: ProviderMetadata,
    /// The signed-in session: the only copy of its tokens. Replaced only through
    /// [`Served::replace_session`].
    pub session: Option<Session>,
    /// The DPoP key the session's tokens are bound to (DPoP on), made for its login
    /// and kept nowhere else: it is replaced with the session, never apart from it, so
    /// a token is never sent with another login's key.
    pub key: Option<DpopKey>,
    /// Bumped at every replacement of `session` (a login, a renewal, a sign-out, an
    /// ended session): a renewal started for one session never lands on another.
    pub epoch: u64,
    /// Bumped at each sign-out: a login redeemed across one keeps nothing.
    pub generation: u64,
    /// When the last sign-out was (ms since the epoch): a login started before it is
    /// not redeemed.
    pub signed_out_at_ms: u64,
    /// Why its last login failed, until a page of it has been told.
    pub unread_failure: Option<String>,
}

impl Served {
    /// Puts `session`, and the key its tokens are bound to, in place of the current
    /// ones (none: signed out).
    pub fn replace_session(&mut self, session: Option<Session>, key: Option<DpopKey>) {
        self.key = session.as_ref().and(key);
        self.session = session;
        self.epoch += 1;
    }

    /// What a page may know of the session.
    pub fn view(&self) -> Option<SessionView> {
        let session = self.session.as_ref()?;
        Some(SessionView::of(
            session,
            self.key.as_ref().map(dpop::thumbprint),
        ))
    }
}

/// Everything the worker serves.
pub(super) struct Worker {
    /// The app's origin (the worker's own).
    pub origin: String,
    /// The mediated providers.
    pub providers: Vec<Served>,
    /// Whose token each request carries.
    pub rules: ProviderRules,
    /// Why the last callback that belonged to no provider failed, until a page has
    /// been told.
    pub orphan_failure: Option<String>,
    /// The logout pages the worker will send a page on to, by one-time ticket
    /// (`mediation::navigation::LOGOUT_PATH`).
    pub logouts: Vec<(String, String)>,
}

/// How long a failed setup stands before an event tries it again: a configuration
/// that cannot be served is not fetched again for every request of every page.
const RETRY_AFTER_MS: u64 = 10_000;

/// The setup running or done, and when it started.
type Setup = (SharedTask<Result<(), WorkerError>>, u64);

thread_local! {
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
    static SETUP: RefCell<Option<Setup>> = const { RefCell::new(None) };
}

/// Runs `change` on the worker's state, once it is set up.
pub(super) fn with<T>(change: impl FnOnce(&mut Worker) -> T) -> Option<T> {
    WORKER.with(|worker| worker.borrow_mut().as_mut().map(change))
}

/// Runs `change` on the provider of storage prefix `prefix`, if served.
pub(super) fn with_provider<T>(prefix: &str, change: impl FnOnce(&mut Served) -> T) -> Option<T> {
    with(|worker| {
        worker
            .providers
            .iter_mut()
            .find(|served| served.config.storage_prefix == prefix)
            .map(change)
    })
    .flatten()
}

/// Whether the worker is set up (its requests can be decided at once).
pub fn is_ready() -> bool {
    WORKER.with(|worker| worker.borrow().is_some())
}

/// Reads `config.json` and every mediated provider's metadata, once; a failure is
/// tried again by the first caller [`RETRY_AFTER_MS`] later. Every event waits for it.
///
/// # Errors
/// A [`WorkerError`] saying what could not be read.
pub async fn ready() -> Result<(), WorkerError> {
    if is_ready() {
        return Ok(());
    }
    let now = clock::now_ms();
    let setup = SETUP.with(|setup| {
        let mut setup = setup.borrow_mut();
        let standing = setup
            .as_ref()
            .filter(|(task, started_at)| {
                !matches!(task.outcome(), Some(Err(_)))
                    || now.saturating_sub(*started_at) < RETRY_AFTER_MS
            })
            .map(|(task, _)| task.clone());
        standing.unwrap_or_else(|| {
            let task = SharedTask::spawn(set_up());
            *setup = Some((task.clone(), now));
            task
        })
    });
    setup.join().await
}

/// The worker's origin, from its own location.
pub(super) fn own_origin() -> String {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("location"))
        .and_then(|location| js_sys::Reflect::get(&location, &JsValue::from_str("origin")))
        .ok()
        .and_then(|origin| origin.as_string())
        .unwrap_or_default()
}

async fn set_up() -> Result<(), WorkerError> {
    let origin = own_origin();
    let answer = http::get_from_server(&format!("{origin}/config.json"), http::MAX_METADATA_BYTES)
        .await
        .map_err(WorkerError::ConfigUnavailable)?;
    if !(200..300).contains(&answer.status) {
        return Err(WorkerError::ConfigStatus(answer.status));
    }
    let fields = AuthConfig::object(&answer.body).map_err(ProvidersError::from)?;
    let mediated = mediated_providers(&fields, &origin)?;
    let mut providers = Vec::with_capacity(mediated.len());
    let mut rules = Vec::with_capacity(mediated.len());
    for MediatedProvider {
        name,
        config,
        mediation,
    } in mediated
    {
        let prefix = config.storage_prefix.clone();
        let metadata =
            provider::metadata(&config)
                .await
                .map_err(|error| WorkerError::Metadata {
                    provider: prefix.clone(),
                    error,
                })?;
        // Auth0's documented paths, for a discovery that failed: the worker keeps its
        // metadata for its life, and would serve every login without the DPoP or
        // pushing the configuration asks for. Not served until discovery answers.
        if !metadata.discovered && config.needs_discovery() {
            return Err(WorkerError::Undiscovered { provider: prefix });
        }
        let rule = mediation.rules(&metadata).map_err(|error| match &name {
            Some(name) => ProvidersError::in_provider(name, error),
            None => error.into(),
        })?;
        rules.push(ProviderRule {
            name,
            prefix,
            rules: rule,
        });
        providers.push(Served {
            config,
            metadata,
            session: None,
            key: None,
            epoch: 0,
            generation: 0,
            signed_out_at_ms: 0,
            unread_failure: None,
        });
    }
    let rules = ProviderRules::new(rules)?;
    WORKER.with(|worker| {
        *worker.borrow_mut() = Some(Worker {
            origin,
            providers,
            rules,
            orphan_failure: None,
            logouts: Vec::new(),
        });
    });
    Ok(())
}
