//! Login transactions in sessionStorage, one key per `state` so two tabs can sign in
//! at once. A transaction is removed when read: it can be used once only.

use gloo_storage::{SessionStorage, Storage};

use super::error::BrowserError;
use crate::auth::secret::State;
use crate::auth::transaction::{Transaction, TransactionError};

/// Prefix of every key this app writes; nothing else under it is trusted.
pub const TRANSACTION_KEY_PREFIX: &str = "leptos-pkce.tx.";

/// Why a transaction could not be taken from storage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TakeError {
    /// Storage is unusable.
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// No login of this tab has this `state`: forged, replayed, or started elsewhere.
    #[error("this sign-in response does not match a sign-in started in this browser tab (unknown or already used state)")]
    UnknownState,
    /// The stored value is unusable.
    #[error(transparent)]
    Transaction(#[from] TransactionError),
}

fn session_storage() -> Result<web_sys::Storage, BrowserError> {
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .ok_or(BrowserError::StorageUnavailable)
}

fn key(state: &State) -> String {
    format!("{TRANSACTION_KEY_PREFIX}{}", state.secret())
}

/// Saves a transaction under its `state`.
///
/// # Errors
/// [`BrowserError`] if storage is unavailable or full.
pub fn save_transaction(transaction: &Transaction) -> Result<(), BrowserError> {
    session_storage()?;
    SessionStorage::set(key(&transaction.state), transaction)
        .map_err(|_| BrowserError::StorageWrite)
}

/// Removes and returns the transaction of `state`; a second call finds nothing.
///
/// # Errors
/// [`TakeError::UnknownState`] when there is none, or the stored value's fault.
pub fn take_transaction(state: &State, now_ms: u64) -> Result<Transaction, TakeError> {
    let storage = session_storage()?;
    let key = key(state);
    let stored = storage.get_item(&key).ok().flatten();
    SessionStorage::delete(&key);
    let transaction = Transaction::from_json(&stored.ok_or(TakeError::UnknownState)?, now_ms)?;
    // The key already matched, but a value copied under another key must not pass.
    if transaction.state != *state {
        return Err(TakeError::UnknownState);
    }
    Ok(transaction)
}

/// Removes every transaction that is expired or unreadable. Run at start, so
/// abandoned logins do not pile up.
pub fn sweep_transactions(now_ms: u64) {
    remove_transactions(|value| Transaction::from_json(value, now_ms).is_err());
}

/// Removes every transaction (at sign-out).
pub fn clear_transactions() {
    remove_transactions(|_| true);
}

fn remove_transactions(condition: impl Fn(&str) -> bool) {
    let Ok(storage) = session_storage() else {
        return;
    };
    let length = storage.length().unwrap_or(0);
    let doomed: Vec<String> = (0..length)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(TRANSACTION_KEY_PREFIX))
        .filter(|k| condition(&storage.get_item(k).ok().flatten().unwrap_or_default()))
        .collect();
    for key in doomed {
        SessionStorage::delete(key);
    }
}
