//! The callback's navigation, taken by the worker: the provider's answer is checked
//! against the login the worker started, the code redeemed and the ID token verified
//! before any page loads, and the browser is sent on to a clean address (the login's
//! `return_to`, or the callback path with no query when it failed). The code never
//! reaches a page.

use oidc_browser_core::authorization::return_to::ReturnTo;
use oidc_browser_core::authorization::transaction::{TakeError, Transaction};
use oidc_browser_core::callback::login::{
    check_callback_or_replay, id_token_check, CallbackVerdict,
};
use oidc_browser_core::callback::CallbackResponse;
use oidc_browser_core::config::path_of;
use oidc_browser_core::mediation::kept_login::trusted_login;
use oidc_browser_core::mediation::navigation::{is_taken_answer, query_of};
use oidc_browser_core::mediation::protocol::ToPage;
use oidc_browser_core::session::Session;
use oidc_browser_core::token::{authorization_code_body, TokenResponse};
use oidc_browser_core::ProtocolError;

use super::attach::token_request;
use super::{pages, revocation, served, transactions};
use crate::browser::{clock, dpop, flow, provider};
use crate::error::AuthError;

/// Whether a navigation to `url` is a provider's answer the worker takes
/// ([`is_taken_answer`]).
pub(super) fn is_callback(worker: &served::Worker, url: &str) -> bool {
    is_taken_answer(
        url,
        &worker.origin,
        worker.providers.iter().map(|served| &served.config),
    )
}

/// Finishes the login the answer at `url` belongs to; gives where the browser goes
/// next (absolute, on the app's origin), or `None` for a silent login's frame, which
/// goes nowhere (`204`): its page learns the outcome from the worker, and no page of
/// the app loads in a frame.
pub(super) async fn finish(url: &str) -> Option<String> {
    let Some((origin, path, candidates)) = served::with(|worker| {
        let path = path_of(url).to_owned();
        let candidates: Vec<(String, u64)> = worker
            .providers
            .iter()
            .filter(|served| {
                served.config.callback_path() == path || served.config.silent_path() == path
            })
            .map(|served| (served.config.storage_prefix.clone(), served.generation))
            .collect();
        (worker.origin.clone(), path, candidates)
    }) else {
        return Some("/".into());
    };
    let clean = format!("{origin}{path}");
    let response = match CallbackResponse::parse(query_of(url)) {
        Ok(response) => response,
        Err(error) => {
            fail(None, &AuthError::from(ProtocolError::from(error)));
            return Some(clean);
        }
    };
    let Some(state) = response.state().cloned() else {
        fail(
            None,
            &AuthError::from(ProtocolError::from(TakeError::UnknownState)),
        );
        return Some(clean);
    };
    // Whose login: the provider whose transaction holds the `state`.
    let mut found: Option<(String, u64, Result<Transaction, TakeError>)> = None;
    for (prefix, generation) in &candidates {
        if let Some(return_to) = transactions::spent(prefix, &state) {
            // Back to the provider's page and its answer again: nothing to redeem.
            return Some(format!("{origin}{}", return_to.as_str()));
        }
        if !transactions::claim(prefix, &state) {
            // Being redeemed by an earlier navigation: its pages learn the outcome.
            return Some(clean);
        }
        match transactions::take(prefix, &state).await {
            Err(TakeError::UnknownState) => continue,
            taken => {
                found = Some((prefix.clone(), *generation, taken));
                break;
            }
        }
    }
    let Some((prefix, generation, taken)) = found else {
        fail(
            None,
            &AuthError::from(ProtocolError::from(TakeError::UnknownState)),
        );
        return Some(clean);
    };
    let silent = taken.as_ref().is_ok_and(|login| login.silent);
    let landing = match redeem(&prefix, generation, response, taken).await {
        Ok(return_to) => {
            transactions::landed(&prefix, &state, &return_to);
            format!("{origin}{}", return_to.as_str())
        }
        // A silent login's page waits for the outcome: it hears it now.
        Err(error) if silent => {
            pages::broadcast(&ToPage::Failed {
                provider: Some(prefix.clone()),
                message: error.to_string(),
                ends_session: false,
                request: None,
            });
            clean
        }
        Err(error) => {
            fail(Some(&prefix), &error);
            clean
        }
    };
    (!silent).then_some(landing)
}

async fn redeem(
    prefix: &str,
    generation: u64,
    response: CallbackResponse,
    taken: Result<Transaction, TakeError>,
) -> Result<ReturnTo, AuthError> {
    // Read back from IndexedDB, which the page's script can write: only what cannot
    // send the code or take keys elsewhere is kept of it.
    let (config, metadata, signed_out_at_ms) = served::with_provider(prefix, |served| {
        (
            served.config.clone(),
            served.metadata.clone(),
            served.signed_out_at_ms,
        )
    })
    .ok_or(ProtocolError::SignedOutElsewhere)?;
    let taken = taken.map(|kept| trusted_login(kept, &config, &metadata, signed_out_at_ms));
    let taken = match taken {
        Ok(Ok(login)) => Ok(login),
        Ok(Err(error)) => return Err(error.into()),
        Err(error) => Err(error),
    };
    let (transaction, code) = match check_callback_or_replay(response, Some(taken), None)? {
        CallbackVerdict::Redeem(transaction, code) => (*transaction, code),
        CallbackVerdict::SignedOutQuietly(return_to) | CallbackVerdict::Replayed(return_to) => {
            return Ok(return_to)
        }
    };
    let endpoints = &transaction.provider;
    let body = authorization_code_body(&transaction, &code);
    // With DPoP, a key made for this login: it lives with its session, and nowhere
    // else (`trusted_login` bound the code to none).
    let key = if transaction.dpop {
        Some(dpop::new_key().await?)
    } else {
        None
    };
    let answer = token_request(&endpoints.token_endpoint, body, key.as_ref()).await?;
    let tokens = TokenResponse::parse(answer.status, &answer.body)?;
    let id_token = tokens.require_id_token()?.clone();
    let jwks = provider::jwks(&endpoints.jwks_uri, false).await;
    let check = id_token_check(
        &transaction,
        tokens.access_token.secret(),
        clock::now_secs(),
    );
    let claims = flow::verify_id_token(&endpoints.jwks_uri, jwks, &id_token, &check).await?;
    let session = Session::new(tokens, id_token, claims, clock::now_ms());
    let refresh_token = session.refresh_token.clone();
    let kept = served::with_provider(prefix, |served| {
        // Signed out while this login was redeemed: it keeps nothing.
        if served.generation != generation {
            return None;
        }
        served.replace_session(Some(session), key);
        served.unread_failure = None;
        served.view()
    })
    .flatten();
    let Some(view) = kept else {
        // Nor does its grant outlive it.
        if let Some(token) = refresh_token {
            revocation::revoke(&config, &metadata, &token).await;
        }
        return Err(ProtocolError::SignedOutElsewhere.into());
    };
    pages::broadcast(&ToPage::SignedIn {
        provider: prefix.to_owned(),
        session: view,
    });
    Ok(transaction.return_to)
}

/// Keeps why a login failed until a page of its provider (`None`: of any) says hello.
fn fail(prefix: Option<&str>, error: &AuthError) {
    let message = error.to_string();
    let kept = prefix.and_then(|prefix| {
        served::with_provider(prefix, |served| {
            served.unread_failure = Some(message.clone())
        })
    });
    if kept.is_none() {
        served::with(|worker| worker.orphan_failure = Some(message));
    }
}
