//! The callback's token exchange, started by `main` before the app mounts: the request
//! is on the wire while the app loads its configuration and renders.

use std::cell::RefCell;

use super::flow::{self, LoginError};
use super::navigation;
use super::task::Task;
use crate::auth::return_to::ReturnTo;
use crate::auth::session::Session;

/// The path the provider redirects to: the app's `/callback` route.
pub const CALLBACK_PATH: &str = "/callback";

/// What finishing a login gives: the session and where to go, or why not.
pub type LoginOutcome = Result<(Session, ReturnTo), LoginError>;

thread_local! {
    static PENDING: RefCell<Option<Task<LoginOutcome>>> = const { RefCell::new(None) };
}

/// At [`CALLBACK_PATH`]: reads the raw query (a parsed map would hide a duplicated
/// `state`), scrubs it from the address bar at once (the code must not linger there
/// or in history), and starts finishing the login. Elsewhere it does nothing. Call
/// once per page load, first thing: the single-use code is redeemed once.
pub fn start_if_at_callback() {
    if navigation::current_path() != CALLBACK_PATH {
        return;
    }
    let query = navigation::current_query();
    navigation::replace_url(CALLBACK_PATH);
    let task = Task::spawn(async move { flow::complete_login(&query).await });
    PENDING.with(|pending| *pending.borrow_mut() = Some(task));
}

/// The login started by [`start_if_at_callback`], handed out once.
pub fn take() -> Option<Task<LoginOutcome>> {
    PENDING.with(|pending| pending.borrow_mut().take())
}
