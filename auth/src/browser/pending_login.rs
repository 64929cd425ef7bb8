//! The callback's token exchange, started as early as possible: by
//! [`begin_callback`] in `main` before the app loads its configuration (the request
//! is on the wire while the app renders), or else by the app's auth context once the
//! configuration says where the callback is.

use std::cell::RefCell;

use super::flow;
use super::task::Task;
use super::{clock, navigation, storage};
use crate::error::AuthError;
use oidc_browser_core::callback::{CallbackError, CallbackResponse};
use oidc_browser_core::config::names::StorageNames;
use oidc_browser_core::config::providers::{callback_owner, CallbackClues, PageProvider};
use oidc_browser_core::config::{path_of, AuthConfig};
use oidc_browser_core::secret::State;
use oidc_browser_core::ProtocolError;

use crate::error::LoginOutcome;

/// Where this page load stands with the callback. The single-use code is redeemed
/// at most once per page load: after `NotStarted`, never again.
enum Callback {
    NotStarted,
    /// A login being finished, and the storage prefix of the app that started it.
    Pending {
        prefix: String,
        task: Task<LoginOutcome>,
    },
    /// Started, and handed out (or nothing to finish).
    Done,
}

thread_local! {
    static CALLBACK: RefCell<Callback> = const { RefCell::new(Callback::NotStarted) };
    /// The page's providers (`provide_auths`), registered before any of them looks at
    /// the callback, so exactly one owns it, and how to read whose an answer is.
    static PAGE_PROVIDERS: RefCell<(Vec<PageProvider>, Option<ClueReader>)> =
        const { RefCell::new((Vec::new(), None)) };
    /// True from the start of a login's code exchange in this page load until the
    /// login has landed (its session kept, or its failure shown).
    static FINISHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn started() -> bool {
    CALLBACK.with(|c| !matches!(*c.borrow(), Callback::NotStarted))
}

/// Reads from storage whose login an answer's `state` is, among the page's providers:
/// the prefix and `redirect_uri` of its transaction, and the provider whose spent
/// logins hold it.
pub type ClueReader = fn(&State, &[PageProvider]) -> (Option<(String, String)>, Option<String>);

/// Registers every provider of the page, before any of their contexts is made, with
/// `reader` for an app with several ([`read_clues`]). A single provider owns every
/// callback at its path whatever the storage says, so `provide_auth` passes none, and
/// an app with one provider links none of that code (measured on the equal page).
pub fn register_page_providers(providers: Vec<PageProvider>, reader: Option<ClueReader>) {
    PAGE_PROVIDERS.with(|p| *p.borrow_mut() = (providers, reader));
}

/// The [`ClueReader`] of an app with several providers.
pub fn read_clues(
    state: &State,
    providers: &[PageProvider],
) -> (Option<(String, String)>, Option<String>) {
    let now_ms = clock::now_ms();
    let transaction = storage::find_transaction(state, now_ms)
        .map(|(prefix, transaction)| (prefix, transaction.redirect_uri));
    let spent = providers
        .iter()
        .find(|p| storage::spent_login(&StorageNames::new(&p.prefix), state, now_ms).is_some())
        .map(|p| p.prefix.clone());
    (transaction, spent)
}

/// True while this page load finishes a login, from its code exchange until it has
/// landed ([`login_landed`]): leaving the page now would lose it.
pub fn finishing_a_login() -> bool {
    FINISHING.with(std::cell::Cell::get)
}

/// The login this page load finished has landed (kept, refused or dropped).
pub fn login_landed() {
    FINISHING.with(|f| f.set(false));
}

/// Whether `config`'s provider owns the callback this page load is at: the one
/// provider of the page that finishes (or reports) the answer in the address bar
/// (`callback_owner`). Never once the login was handed out.
///
/// Decided once: the first call at a callback path starts the owner's exchange, and
/// from then on the pending login says whose it is, whatever later happens to the
/// clock, the storage or the address (so a context that starts "signing you in"
/// is the one that takes the login).
fn owns_callback(config: &AuthConfig) -> bool {
    let path = navigation::current_path();
    let (mut providers, reader) = PAGE_PROVIDERS.with(|p| p.borrow().clone());
    if !providers.iter().any(|p| p.prefix == config.storage_prefix) {
        providers.push(PageProvider::of(config));
    }
    let pending = CALLBACK.with(|c| match &*c.borrow() {
        Callback::NotStarted => Some(None),
        Callback::Pending { prefix, .. } => Some(Some(prefix.clone())),
        Callback::Done => None,
    });
    let Some(pending) = pending else {
        return false;
    };
    let mut answer = None;
    let mut found = (None, None);
    if pending.is_none() && providers.iter().any(|p| p.callback_path == path) {
        let read = answer.insert(read_answer());
        let state = read.as_ref().ok().and_then(CallbackResponse::state);
        if let (Some(state), Some(reader)) = (state, reader) {
            found = reader(state, &providers);
        }
    }
    let clues = CallbackClues {
        pending: pending.as_deref(),
        transaction: found.0.as_ref().map(|(p, uri)| (p.as_str(), uri.as_str())),
        spent: found.1.as_deref(),
    };
    let Some(owner) = callback_owner(clues, &providers, &path) else {
        return false;
    };
    if let Some(answer) = answer {
        start(owner.prefix.clone(), answer, &path);
    }
    owner.prefix == config.storage_prefix
}

/// The callback answer in the address bar, parsed once (a parsed map would hide a
/// duplicated `state`, so the raw query is read).
fn read_answer() -> Result<CallbackResponse, CallbackError> {
    CallbackResponse::parse(&navigation::current_query())
}

/// Call first thing in `main`, before the app mounts (optional): when this page is
/// the provider's answer to a login started in this tab, the code is redeemed at
/// once, while the app loads its configuration and renders. Anything else is left
/// to [`crate::provide_auth`], which finishes logins at `redirect_uri`'s path anyway.
///
/// Without the configuration, the answer is recognised by its `state`: a stored
/// transaction of some app on this origin holds it, and its `redirect_uri` has this
/// page's path. The URL is scrubbed as soon as the exchange starts.
pub fn begin_callback() {
    // Never inside a frame: a silent sign-in's answer is the parent's to redeem (an
    // app served in place of a missing silent-callback page must not take it).
    if started() || navigation::is_framed() {
        return;
    }
    let answer = read_answer();
    let Some((prefix, transaction)) = answer
        .as_ref()
        .ok()
        .and_then(CallbackResponse::state)
        .and_then(|state| storage::find_transaction(state, clock::now_ms()))
    else {
        return;
    };
    let path = navigation::current_path();
    if path_of(&transaction.redirect_uri) == path {
        super::http::set_timeout_secs(transaction.timeout_secs);
        start(prefix, answer, &path);
    }
}

/// Scrubs the answer from the address bar at once (the code must not linger there
/// or in history) and starts finishing the login.
fn start(prefix: String, answer: Result<CallbackResponse, CallbackError>, path: &str) {
    navigation::replace_url(path);
    let names = StorageNames::new(&prefix);
    FINISHING.with(|f| f.set(true));
    let task = Task::spawn(flow::complete_login_lazily(names, answer, true));
    CALLBACK.with(|c| *c.borrow_mut() = Callback::Pending { prefix, task });
}

/// The login being finished for the app of `config`: the one [`begin_callback`]
/// started for it, or, at `config`'s callback path, the one its owner started. Handed out once,
/// to the one provider of the page that owns the callback (a callback path may be
/// shared: the answer's transaction says whose it is); never in a frame.
///
/// A login started (from its transaction) under a storage prefix no provider of the
/// page has, at this very callback path, means the configuration changed between
/// sign-in and callback (a deployment gave the app another client or prefix, or
/// removed a provider): its outcome is refused as
/// [`ProtocolError::ConfigurationChanged`] rather than left pending forever.
pub fn take_for(config: &AuthConfig) -> Option<Task<LoginOutcome>> {
    // Never inside a frame, as `begin_callback`: an answer there is the parent's.
    if navigation::is_framed() || !owns_callback(config) {
        return None;
    }
    CALLBACK.with(|c| {
        let Callback::Pending { prefix, task } =
            std::mem::replace(&mut *c.borrow_mut(), Callback::Done)
        else {
            return None;
        };
        Some(if prefix == config.storage_prefix {
            task
        } else {
            Task::spawn(async move {
                let _spent = task.join().await;
                Err(AuthError::Protocol(ProtocolError::ConfigurationChanged))
            })
        })
    })
}

/// True while this page load is finishing a login for the app of `config` (the one
/// started at its callback path): it owns the callback.
pub fn is_finishing(config: &AuthConfig) -> bool {
    !navigation::is_framed() && owns_callback(config)
}
