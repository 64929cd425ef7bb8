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
use oidc_browser_core::config::{path_of, AuthConfig};
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
}

fn started() -> bool {
    CALLBACK.with(|c| !matches!(*c.borrow(), Callback::NotStarted))
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
    let task = Task::spawn(flow::complete_login_lazily(names, answer, true));
    CALLBACK.with(|c| *c.borrow_mut() = Callback::Pending { prefix, task });
}

/// The login being finished for the app of `config`: the one [`begin_callback`]
/// started for it, or, at `config`'s callback path, one started now. Handed out once;
/// never in a frame.
///
/// A login started (from its transaction) under another storage prefix at this very
/// callback path means the configuration changed between sign-in and callback (a
/// deployment gave the app another client or prefix): its outcome is refused as
/// [`ProtocolError::ConfigurationChanged`] rather than left pending forever.
pub fn take_for(config: &AuthConfig) -> Option<Task<LoginOutcome>> {
    // Never inside a frame, as `begin_callback`: an answer there is the parent's.
    if navigation::is_framed() {
        return None;
    }
    let path = navigation::current_path();
    if !started() {
        if path != config.callback_path() {
            return None;
        }
        start(config.storage_prefix.clone(), read_answer(), &path);
    }
    let at_callback = path == config.callback_path();
    CALLBACK.with(|c| {
        let mut c = c.borrow_mut();
        let ours = match &*c {
            Callback::Pending { prefix, .. } => *prefix == config.storage_prefix,
            _ => return None,
        };
        if !ours && !at_callback {
            return None;
        }
        let Callback::Pending { task, .. } = std::mem::replace(&mut *c, Callback::Done) else {
            return None;
        };
        Some(if ours {
            task
        } else {
            Task::spawn(async move {
                let _spent = task.join().await;
                Err(AuthError::Protocol(ProtocolError::ConfigurationChanged))
            })
        })
    })
}

/// True while this page load is finishing a login for the app of `config` (one
/// started or about to start at its callback path).
pub fn is_finishing(config: &AuthConfig) -> bool {
    if navigation::is_framed() {
        return false;
    }
    CALLBACK.with(|c| match &*c.borrow() {
        Callback::NotStarted => navigation::current_path() == config.callback_path(),
        Callback::Pending { prefix, .. } => {
            *prefix == config.storage_prefix || navigation::current_path() == config.callback_path()
        }
        Callback::Done => false,
    })
}
