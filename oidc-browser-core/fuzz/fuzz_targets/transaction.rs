//! The stored login transaction, as anything in sessionStorage could be. Property: a
//! value that is read back is fresh, writes back to the same value, and its return
//! path is still a path of this app.
#![no_main]

use oidc_browser_core::authorization::return_to::ReturnTo;
use oidc_browser_core::authorization::transaction::Transaction;
use libfuzzer_sys::fuzz_target;

const NOW_MS: u64 = 1_700_000_000_000;

fuzz_target!(|stored: &str| {
    let Ok(transaction) = Transaction::from_json(stored, NOW_MS) else {
        return;
    };
    assert!(!transaction.is_expired(NOW_MS), "an expired transaction was read");
    let again = Transaction::from_json(&transaction.to_json(), NOW_MS);
    assert_eq!(again.as_ref(), Ok(&transaction), "does not round trip");
    assert!(ReturnTo::parse(transaction.return_to.as_str()).is_ok());
});
