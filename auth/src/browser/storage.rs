//! Login transactions in sessionStorage, one key per `state` so two tabs can sign in
//! at once, under the app's storage prefix. A transaction is removed when read: it
//! can be used once only.
//!
//! Plain `web_sys::Storage`, not gloo-storage: the transaction already has its own
//! JSON form, and gloo's layer around it cost 1,133 bytes raw / 451 brotli of the
//! shipped wasm (`cargo xtask build`, `brotli -q 11`, with and without).

use crate::error::BrowserError;
use oidc_browser_core::authorization::return_to::ReturnTo;
use oidc_browser_core::authorization::transaction::{TakeError, Transaction, TransactionHead};
use oidc_browser_core::callback::spent_logins::SpentLogins;
use oidc_browser_core::config::names::StorageNames;
use oidc_browser_core::secret::State;

fn session_storage() -> Result<web_sys::Storage, BrowserError> {
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .ok_or(BrowserError::StorageUnavailable)
}

/// Saves a transaction under its `state`.
///
/// # Errors
/// [`BrowserError`] if storage is unavailable or full.
pub fn save_transaction(
    names: &StorageNames,
    transaction: &Transaction,
) -> Result<(), BrowserError> {
    session_storage()?
        .set_item(
            &names.transaction_key(transaction.state.secret()),
            &transaction.to_json(),
        )
        .map_err(|_| BrowserError::StorageWrite)
}

/// Removes and returns the transaction of `state`; a second call finds nothing.
///
/// # Errors
/// [`TakeError::UnknownState`] when there is none, or the stored value's fault.
pub fn take_transaction(
    names: &StorageNames,
    state: &State,
    now_ms: u64,
) -> Result<Transaction, TakeError> {
    let storage = session_storage()?;
    let key = names.transaction_key(state.secret());
    let stored = storage.get_item(&key).ok().flatten();
    let _ = storage.remove_item(&key);
    read_transaction(stored, state, now_ms)
}

/// The transaction of `state`, left in place (what the callback needs to know before
/// it takes it); `None` for none or anything unreadable.
pub fn peek_transaction(names: &StorageNames, state: &State, now_ms: u64) -> Option<Transaction> {
    let stored = session_storage()
        .ok()?
        .get_item(&names.transaction_key(state.secret()))
        .ok()
        .flatten();
    read_transaction(stored, state, now_ms).ok()
}

fn read_transaction(
    stored: Option<String>,
    state: &State,
    now_ms: u64,
) -> Result<Transaction, TakeError> {
    let transaction = Transaction::from_json(&stored.ok_or(TakeError::UnknownState)?, now_ms)?;
    // The key already matched, but a value copied under another key must not pass.
    if transaction.state != *state {
        return Err(TakeError::UnknownState);
    }
    Ok(transaction)
}

/// The storage prefix and the head of the stored transaction of `state`, left in
/// place, when some app on this origin started a login with it: the callback can then
/// start before the app has loaded its configuration. `None` for anything unreadable.
pub fn find_transaction(state: &State, now_ms: u64) -> Option<(String, TransactionHead)> {
    let storage = session_storage().ok()?;
    let suffix = format!(".tx.{}", state.secret());
    let length = storage.length().unwrap_or(0);
    (0..length)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter_map(|key| Some(key.strip_suffix(&suffix)?.to_owned()))
        .find_map(|prefix| {
            let value = storage
                .get_item(&StorageNames::new(&prefix).transaction_key(state.secret()))
                .ok()
                .flatten()?;
            let transaction = TransactionHead::from_json(&value, now_ms)?;
            (transaction.state == *state).then_some((prefix, transaction))
        })
}

/// Where the login of `state` that this tab finished landed, if it did in the last
/// hour (see [`SpentLogins`]).
pub fn spent_login(names: &StorageNames, state: &State, now_ms: u64) -> Option<ReturnTo> {
    let text = session_storage()
        .ok()?
        .get_item(&names.spent_logins())
        .ok()??;
    SpentLogins::from_json(&text, now_ms).find(state.secret(), now_ms)
}

/// True when this tab finished a page login at `since_ms` or later.
pub fn login_finished_since(names: &StorageNames, since_ms: u64, now_ms: u64) -> bool {
    session_storage()
        .ok()
        .and_then(|storage| storage.get_item(&names.spent_logins()).ok().flatten())
        .is_some_and(|text| SpentLogins::from_json(&text, now_ms).finished_since(since_ms))
}

/// Remembers that this tab finished the login of `state`, landing at `return_to`.
/// Best effort: storage that refuses only means a replay shows an error.
pub fn remember_spent_login(
    names: &StorageNames,
    state: &State,
    return_to: &ReturnTo,
    now_ms: u64,
) {
    let Ok(storage) = session_storage() else {
        return;
    };
    let key = names.spent_logins();
    let stored = storage.get_item(&key).ok().flatten().unwrap_or_default();
    let mut spent = SpentLogins::from_json(&stored, now_ms);
    spent.insert(state.secret(), return_to.clone(), now_ms);
    let _ = storage.set_item(&key, &spent.to_json());
}

/// Removes every transaction of this app that is expired or unreadable. Run at
/// start, so abandoned logins do not pile up.
pub fn sweep_transactions(names: &StorageNames, now_ms: u64) {
    remove_transactions(names, |value| {
        Transaction::from_json(value, now_ms).is_err()
    });
}

/// Removes every transaction of this app (at sign-out).
pub fn clear_transactions(names: &StorageNames) {
    remove_transactions(names, |_| true);
}

fn remove_transactions(names: &StorageNames, condition: impl Fn(&str) -> bool) {
    let Ok(storage) = session_storage() else {
        return;
    };
    let prefix = names.transaction_prefix();
    let length = storage.length().unwrap_or(0);
    let doomed: Vec<String> = (0..length)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(&prefix))
        .filter(|k| condition(&storage.get_item(k).ok().flatten().unwrap_or_default()))
        .collect();
    for key in doomed {
        let _ = storage.remove_item(&key);
    }
}
