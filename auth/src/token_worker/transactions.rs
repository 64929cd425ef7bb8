//! The logins the worker started, kept in IndexedDB (a user takes longer at the
//! provider than an idle worker lives), one database per provider; and the logins it
//! finished, in memory, so the Back button's replay lands where the login did.
//!
//! IndexedDB is readable by the page's script: a transaction is no secret from it.
//! What keeps it harmless is that the code never reaches the page (the worker takes
//! the callback's navigation), and a `state` is redeemed once: [`claim`] marks it
//! taken before the first `await`.

use std::cell::RefCell;

use oidc_browser_core::authorization::return_to::ReturnTo;
use oidc_browser_core::authorization::transaction::{TakeError, Transaction};
use oidc_browser_core::config::names::StorageNames;
use oidc_browser_core::secret::State;
use wasm_bindgen::JsValue;

use crate::browser::{clock, idb};
use crate::error::BrowserError;

const STORE: &str = "logins";
/// How long a finished login's `state` is remembered for a replay (Back).
const SPENT_FOR_MS: u64 = 60 * 60 * 1000;

/// A `state` this worker is redeeming or redeemed.
struct SpentLogin {
    prefix: String,
    state: String,
    /// Where the login landed, once it did.
    landed: Option<ReturnTo>,
    at_ms: u64,
}

impl SpentLogin {
    fn is(&self, prefix: &str, state: &State) -> bool {
        self.prefix == prefix && self.state == state.secret()
    }
}

thread_local! {
    static SPENT: RefCell<Vec<SpentLogin>> = const { RefCell::new(Vec::new()) };
    /// The logins this worker started, as it made them: preferred at the callback to
    /// the IndexedDB copy, which only a worker restarted since the login needs (and
    /// which the page's script can write).
    static STARTED: RefCell<Vec<(String, Transaction)>> = const { RefCell::new(Vec::new()) };
}

fn database(prefix: &str) -> String {
    StorageNames::new(prefix).worker_database()
}

/// Keeps `transaction` for the provider of storage prefix `prefix`.
///
/// # Errors
/// [`BrowserError::StorageWrite`] when IndexedDB refused it.
pub async fn save(prefix: &str, transaction: &Transaction) -> Result<(), BrowserError> {
    let stored = JsValue::from_str(&transaction.to_json());
    if idb::put(
        &database(prefix),
        STORE,
        transaction.state.secret(),
        &stored,
    )
    .await
    {
        Ok(())
    } else {
        Err(BrowserError::StorageWrite)
    }
}

/// Claims `state` for redemption: `false` when this worker already claimed it (a
/// second navigation to the same answer), which must then redeem nothing.
pub fn claim(prefix: &str, state: &State) -> bool {
    SPENT.with(|spent| {
        let mut spent = spent.borrow_mut();
        let now = clock::now_ms();
        spent.retain(|login| now.saturating_sub(login.at_ms) < SPENT_FOR_MS);
        if spent.iter().any(|login| login.is(prefix, state)) {
            return false;
        }
        spent.push(SpentLogin {
            prefix: prefix.to_owned(),
            state: state.secret().to_owned(),
            landed: None,
            at_ms: now,
        });
        true
    })
}

/// Where the login of `state` landed, when this worker finished it.
pub fn spent(prefix: &str, state: &State) -> Option<ReturnTo> {
    SPENT.with(|spent| {
        spent
            .borrow()
            .iter()
            .find(|login| login.is(prefix, state))
            .and_then(|login| login.landed.clone())
    })
}

/// Records where the login of `state` landed.
pub fn landed(prefix: &str, state: &State, return_to: &ReturnTo) {
    SPENT.with(|spent| {
        if let Some(login) = spent
            .borrow_mut()
            .iter_mut()
            .find(|login| login.is(prefix, state))
        {
            login.landed = Some(return_to.clone());
        }
    });
}

/// Takes the transaction of `state` (removed whatever happens next).
///
/// # Errors
/// [`TakeError::UnknownState`] when there is none, or the stored value's fault.
pub async fn take(prefix: &str, state: &State) -> Result<Transaction, TakeError> {
    let database = database(prefix);
    let in_memory = STARTED.with(|started| {
        let mut started = started.borrow_mut();
        let at = started
            .iter()
            .position(|(p, kept)| p == prefix && kept.state == *state)?;
        Some(started.remove(at).1)
    });
    if let Some(transaction) = in_memory {
        // The IndexedDB copy goes too; it is not read.
        idb::delete(&database, STORE, state.secret()).await;
        if transaction.is_expired(clock::now_ms()) {
            return Err(TakeError::UnknownState);
        }
        return Ok(transaction);
    }
    let stored = idb::read(&database, STORE, state.secret()).await;
    idb::delete(&database, STORE, state.secret()).await;
    let stored = stored.map_err(|()| TakeError::Browser(BrowserError::StorageUnavailable))?;
    let text = stored
        .and_then(|value| value.as_string())
        .ok_or(TakeError::UnknownState)?;
    let transaction = Transaction::from_json(&text, clock::now_ms())?;
    if transaction.state != *state {
        return Err(TakeError::UnknownState);
    }
    Ok(transaction)
}

/// Forgets every login of the provider started and not yet answered (a sign-out).
pub async fn clear(prefix: &str) {
    STARTED.with(|started| started.borrow_mut().retain(|(p, _)| p != prefix));
    idb::clear(&database(prefix), STORE).await;
}
