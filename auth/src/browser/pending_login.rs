//! The callback's token exchange, started as early as possible: by
//! [`begin_callback`] in `main` before the app loads its configuration (the request
//! is on the wire while the app renders), or else by the app's auth context once the
//! configuration says where the callback is.

use std::cell::{Cell, RefCell};

use super::flow;
use super::task::Task;
use super::{clock, navigation, storage};
use crate::callback::CallbackResponse;
use crate::config::{path_of, AuthConfig};
use crate::error::AuthError;
use crate::names::StorageNames;
use crate::return_to::ReturnTo;
use crate::session::Session;

/// What finishing a login gives: the session and where to go, or why not.
pub type LoginOutcome = Result<(Session, ReturnTo), AuthError>;

/// A login being finished, and the storage prefix of the app that started it.
struct Pending {
    prefix: String,
    task: Task<LoginOutcome>,
}

thread_local! {
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
    /// The single-use code is redeemed at most once per page load.
    static STARTED: Cell<bool> = const { Cell::new(false) };
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
    if STARTED.with(Cell::get) {
        return;
    }
    let query = navigation::current_query();
    let Ok(response) = CallbackResponse::parse(&query) else {
        return;
    };
    let Some((prefix, transaction)) = response
        .state()
        .and_then(|state| storage::find_transaction(state, clock::now_ms()))
    else {
        return;
    };
    let path = navigation::current_path();
    if path_of(&transaction.redirect_uri) == path {
        start(prefix, query, &path);
    }
}

/// Reads the raw query (a parsed map would hide a duplicated `state`), scrubs it
/// from the address bar at once (the code must not linger there or in history), and
/// starts finishing the login.
fn start(prefix: String, query: String, path: &str) {
    STARTED.with(|started| started.set(true));
    navigation::replace_url(path);
    let names = StorageNames::new(&prefix);
    let task = Task::spawn(async move { flow::complete_login(&names, &query).await });
    PENDING.with(|pending| *pending.borrow_mut() = Some(Pending { prefix, task }));
}

/// The login being finished for the app of `config`: the one [`begin_callback`]
/// started for it, or, at `config`'s callback path, one started now. Handed out once.
pub fn take_for(config: &AuthConfig) -> Option<Task<LoginOutcome>> {
    let early = PENDING.with(|pending| {
        let mut pending = pending.borrow_mut();
        let ours = pending
            .as_ref()
            .is_some_and(|p| p.prefix == config.storage_prefix);
        if ours {
            pending.take().map(|p| p.task)
        } else {
            None
        }
    });
    if early.is_some() {
        return early;
    }
    let path = navigation::current_path();
    if STARTED.with(Cell::get) || path != config.callback_path() {
        return None;
    }
    start(
        config.storage_prefix.clone(),
        navigation::current_query(),
        &path,
    );
    PENDING.with(|pending| pending.borrow_mut().take().map(|p| p.task))
}

/// True while this page load is finishing a login for the app of `config` (one
/// started or about to start at its callback path).
pub fn is_finishing(config: &AuthConfig) -> bool {
    let early = PENDING.with(|pending| {
        pending
            .borrow()
            .as_ref()
            .is_some_and(|p| p.prefix == config.storage_prefix)
    });
    early || (!STARTED.with(Cell::get) && navigation::current_path() == config.callback_path())
}
