//! Renewals in the worker: one for every page and request of a provider by
//! construction (the worker is one, and a renewal in flight is shared), started when a
//! request needs the token and it is no longer fresh, or when a page asks.

use std::cell::RefCell;

use oidc_browser_core::mediation::protocol::{SessionView, ToPage};
use oidc_browser_core::token::refresh::{
    accept_refresh, read_refresh_answer, refreshed_id_token_check,
};
use oidc_browser_core::token::token_request::{refresh_body_for, TokenKey};
use oidc_browser_core::ProtocolError;

use super::{pages, served};
use crate::browser::task::SharedTask;
use crate::browser::{clock, flow, http, provider};
use crate::error::AuthError;

type Renewal = SharedTask<Result<(), AuthError>>;

thread_local! {
    /// The renewal in flight per provider (storage prefix).
    static IN_FLIGHT: RefCell<Vec<(String, Renewal)>> = const { RefCell::new(Vec::new()) };
}

/// The provider's access token for a request: the current one while fresh, else
/// renewed first (when a refresh token allows); `None` when signed out.
pub(super) async fn token_for_request(prefix: &str) -> Option<String> {
    let fresh = |served: &mut served::Served| {
        let session = served.session.as_ref()?;
        Some((
            session
                .fresh_access_token(clock::now_ms())
                .map(|token| token.secret().to_owned()),
            session.refresh_token.is_some(),
            session.access_token.secret().to_owned(),
        ))
    };
    let (current, renewable, stale) = served::with_provider(prefix, fresh).flatten()?;
    if let Some(token) = current {
        return Some(token);
    }
    if renewable && renew(prefix).await.is_ok() {
        return served::with_provider(prefix, fresh)
            .flatten()
            .map(|(_, _, token)| token);
    }
    // Not renewed (a passing failure): the API says whether it still takes it.
    Some(stale)
}

/// Renews the provider's session now; callers at the same time share one renewal.
///
/// # Errors
/// Why it failed; a refused refresh token has then ended the session (every page
/// heard it).
pub(super) async fn renew(prefix: &str) -> Result<(), AuthError> {
    let task = IN_FLIGHT.with(|in_flight| {
        let mut in_flight = in_flight.borrow_mut();
        in_flight.retain(|(_, task)| task.outcome().is_none());
        if let Some((_, task)) = in_flight.iter().find(|(p, _)| p == prefix) {
            return task.clone();
        }
        let owned = prefix.to_owned();
        let task = SharedTask::spawn(async move { renew_once(&owned).await });
        in_flight.push((prefix.to_owned(), task.clone()));
        task
    });
    task.join().await
}

async fn renew_once(prefix: &str) -> Result<(), AuthError> {
    let Some((current, config, metadata, generation)) = served::with_provider(prefix, |served| {
        (
            served.session.clone(),
            served.config.clone(),
            served.metadata.clone(),
            served.generation,
        )
    }) else {
        return Err(ProtocolError::SessionEnded.into());
    };
    let Some(session) = current else {
        return Err(ProtocolError::SessionEnded.into());
    };
    let Some(refresh_token) = session.refresh_token.clone() else {
        return Err(ProtocolError::SessionEnded.into());
    };
    let outcome = async {
        let api = TokenKey {
            scope: String::new(),
            ..TokenKey::default_for(&config)
        };
        let body = refresh_body_for(&config, &refresh_token, &api);
        let answer = http::post_form(&metadata.token_endpoint, body, None).await?;
        let answer = read_refresh_answer(answer.status, &answer.body, refresh_token)?;
        let id_token = match &answer.tokens.id_token {
            Some(raw) => {
                let check = refreshed_id_token_check(
                    &config,
                    answer.tokens.access_token.secret(),
                    clock::now_secs(),
                );
                let jwks = provider::jwks(&metadata.jwks_uri, false).await;
                let claims = flow::verify_id_token(&metadata.jwks_uri, jwks, raw, &check).await?;
                Some((raw.clone(), claims))
            }
            None => None,
        };
        let sub = session.claims.sub.clone();
        let mut renewed = accept_refresh(
            Some(session),
            &sub,
            answer.tokens,
            id_token,
            clock::now_ms(),
        )?;
        renewed.refresh_token = Some(answer.keep);
        Ok::<_, AuthError>(renewed)
    }
    .await;
    let message = served::with_provider(prefix, |served| {
        if served.generation != generation {
            // Signed out meanwhile: nothing of it is kept.
            return Err(AuthError::from(ProtocolError::SessionEnded));
        }
        match outcome {
            Ok(renewed) => {
                let view = SessionView::of(&renewed);
                served.session = Some(renewed);
                Ok(ToPage::SignedIn {
                    provider: prefix.to_owned(),
                    session: view,
                })
            }
            Err(error) if error.ends_session() => {
                served.session = None;
                Err(error)
            }
            Err(error) => Err(error),
        }
    })
    .unwrap_or_else(|| Err(ProtocolError::SessionEnded.into()));
    match message {
        Ok(signed_in) => {
            pages::broadcast(&signed_in);
            Ok(())
        }
        Err(error) => {
            if error.ends_session() {
                pages::broadcast(&ToPage::Failed {
                    provider: Some(prefix.to_owned()),
                    message: error.to_string(),
                    ends_session: true,
                });
                pages::broadcast(&ToPage::SignedOut {
                    provider: prefix.to_owned(),
                });
            }
            Err(error)
        }
    }
}
