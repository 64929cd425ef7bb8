//! One callback path shared by several providers of the page (`provide_auths`): the
//! stored transaction (or spent login) that holds the answer's `state` says whose
//! login it is ([`callback_owner`]). Reached only through the function pointer
//! `provide_auths` registers, so an app with one provider links none of it.

use std::cell::RefCell;

use super::pending_login::{self, pending_prefix, read_answer, start};
use super::{clock, navigation, storage};
use oidc_browser_core::callback::CallbackResponse;
use oidc_browser_core::config::names::StorageNames;
use oidc_browser_core::config::providers::{callback_owner, CallbackClues, PageProvider};
use oidc_browser_core::config::AuthConfig;
use oidc_browser_core::secret::State;

thread_local! {
    /// The page's providers, registered before any of them looks at the callback, so
    /// exactly one owns it.
    static PAGE_PROVIDERS: RefCell<Vec<PageProvider>> = const { RefCell::new(Vec::new()) };
}

/// Registers every provider of the page, before any of their contexts is made, and
/// makes [`owns_among_several`] the page's rule for whose a callback is.
pub fn register(providers: Vec<PageProvider>) {
    PAGE_PROVIDERS.with(|p| *p.borrow_mut() = providers);
    pending_login::set_owner_rule(Some(owns_among_several));
}

/// Whether `config`'s provider owns the callback this page load is at, among the
/// registered providers (`callback_owner`); the first call at a callback path starts
/// the owner's exchange.
fn owns_among_several(config: &AuthConfig) -> bool {
    let Some(pending) = pending_prefix() else {
        return false;
    };
    let path = navigation::current_path();
    let mut answer = None;
    let owner = PAGE_PROVIDERS.with(|p| {
        let providers = p.borrow();
        let mut found = (None, None);
        if pending.is_none() && providers.iter().any(|p| p.callback_path == path) {
            let read = answer.insert(read_answer());
            if let Some(state) = read.as_ref().ok().and_then(CallbackResponse::state) {
                found = read_clues(state, &providers);
            }
        }
        let clues = CallbackClues {
            pending: pending.as_deref(),
            transaction: found.0.as_ref().map(|(p, uri)| (p.as_str(), uri.as_str())),
            spent: found.1.as_deref(),
        };
        callback_owner(clues, &providers, &path).map(|owner| owner.prefix.clone())
    });
    let Some(owner) = owner else {
        return false;
    };
    let mine = owner == config.storage_prefix;
    if let Some(answer) = answer {
        start(owner, answer, &path);
    }
    mine
}

/// Reads from storage whose login an answer's `state` is, among the page's
/// providers: the prefix and `redirect_uri` of its transaction, and the provider
/// whose spent logins hold it.
fn read_clues(
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
