//! The callback's token exchange, started as early as possible: by
//! [`begin_callback`] in `main` before the app loads its configuration (the request
//! is on the wire while the app renders), or else by the app's auth context once the
//! configuration says where the callback is.

use std::cell::{Cell, RefCell};

use super::flow;
use super::task::Task;
use super::{clock, navigation, storage};
use crate::error::AuthError;
use oidc_browser_core::callback::{CallbackError, CallbackResponse};
use oidc_browser_core::config::names::StorageNames;
use oidc_browser_core::config::{path_of, AuthConfig, TokenMediation};
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
    /// How the page tells which of its providers owns the callback: `None` for a page
    /// with one provider ([`owns_alone`]), else the rule `provide_auths` registered
    /// ([`super::shared_callback`]). A function pointer, so an app with one provider
    /// links none of the several-providers code (measured on the equal page).
    static OWNER_RULE: Cell<Option<OwnerRule>> = const { Cell::new(None) };
    /// True from the start of a login's code exchange in this page load until the
    /// login has landed (its session kept, or its failure shown).
    static FINISHING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the provider of a configuration owns the callback this page load is at
/// (and, the first time, starts the owner's exchange).
pub type OwnerRule = fn(&AuthConfig) -> bool;

fn started() -> bool {
    CALLBACK.with(|c| !matches!(*c.borrow(), Callback::NotStarted))
}

/// Sets how the page's providers share the callback, before any of their contexts is
/// made: `None` for a page with one provider, which owns every callback at its path
/// whatever the storage says.
pub fn set_owner_rule(rule: Option<OwnerRule>) {
    OWNER_RULE.with(|r| r.set(rule));
}

/// True while this page load finishes a login, from its code exchange until it has
/// landed ([`login_landed`]): leaving the page now would lose it.
pub fn finishing_a_login() -> bool {
    FINISHING.with(Cell::get)
}

/// The login this page load finished has landed (kept, refused or dropped).
pub fn login_landed() {
    FINISHING.with(|f| f.set(false));
}

/// Whether `config`'s provider owns the callback this page load is at: the one
/// provider of the page that finishes (or reports) the answer in the address bar.
/// Never once the login was handed out.
///
/// Decided once: the first call at a callback path starts the owner's exchange, and
/// from then on the pending login says whose it is, whatever later happens to the
/// clock, the storage or the address (so a context that starts "signing you in"
/// is the one that takes the login).
fn owns_callback(config: &AuthConfig) -> bool {
    match OWNER_RULE.with(Cell::get) {
        Some(rule) => rule(config),
        None => owns_alone(config),
    }
}

/// The rule of a page with one provider (`callback_owner` with one provider and no
/// storage clues): it owns the login already being finished (its own, or one it
/// refuses as made by another configuration at its callback path), and any answer
/// at its callback path.
fn owns_alone(config: &AuthConfig) -> bool {
    let path = navigation::current_path();
    let here = config.callback_path() == path;
    match pending_prefix() {
        None => false,
        Some(Some(prefix)) => here || prefix == config.storage_prefix,
        Some(None) => {
            // With the token worker, the worker takes the answers at the callback: the
            // page finishes only a login of its own (begun from its transaction).
            let owns = here && config.token_mediation == TokenMediation::Page;
            if owns {
                start(config.storage_prefix.clone(), read_answer(), &path);
            }
            owns
        }
    }
}

/// `None` once the login was handed out, else the prefix of the login being finished
/// (`Some(None)`: none started yet).
pub(super) fn pending_prefix() -> Option<Option<String>> {
    CALLBACK.with(|c| match &*c.borrow() {
        Callback::NotStarted => Some(None),
        Callback::Pending { prefix, .. } => Some(Some(prefix.clone())),
        Callback::Done => None,
    })
}

/// The callback answer in the address bar, parsed once (a parsed map would hide a
/// duplicated `state`, so the raw query is read).
pub(super) fn read_answer() -> Result<CallbackResponse, CallbackError> {
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
pub(super) fn start(prefix: String, answer: Result<CallbackResponse, CallbackError>, path: &str) {
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
