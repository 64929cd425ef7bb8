//! Renewals in the worker: one for every page and request of a provider by
//! construction (the worker is one, and a renewal in flight is shared), started when a
//! request needs the token and it is no longer fresh, or when a page asks.

use std::cell::RefCell;

use oidc_browser_core::mediation::protocol::ToPage;
use oidc_browser_core::token::refresh::{
    accept_refresh, read_refresh_answer, refreshed_id_token_check,
};
use oidc_browser_core::token::token_request::{refresh_body_for, TokenKey};
use oidc_browser_core::ProtocolError;

use super::attach::{token_request, HeldToken};
use super::{pages, revocation, served};
use crate::browser::task::SharedTask;
use crate::browser::{clock, flow, provider};
use crate::error::AuthError;

type Renewal = SharedTask<Result<(), AuthError>>;

thread_local! {
    /// The renewal in flight per provider (storage prefix).
    static IN_FLIGHT: RefCell<Vec<(String, Renewal)>> = const { RefCell::new(Vec::new()) };
}

fn held_token(served: &served::Served, fresh_only: bool) -> Option<HeldToken> {
    let session = served.session.as_ref()?;
    let token = if fresh_only {
        session.fresh_access_token(clock::now_ms())?
    } else {
        &session.access_token
    };
    Some(HeldToken {
        token: token.secret().to_owned(),
        key: served.key.clone().filter(|_| session.dpop_bound),
        prefix: served.config.storage_prefix.clone(),
    })
}

/// The provider's access token for a request: the current one while fresh, else
/// renewed first (when a refresh token allows); `None` when signed out. After a
/// renewal, whatever happened, the token of the session then in place: the renewed
/// one, the old one after a passing failure (the API says whether it still takes
/// it), another login's, or none after a sign-out or a refused refresh.
pub(super) async fn token_for_request(prefix: &str) -> Option<HeldToken> {
    let (fresh, renewable) = served::with_provider(prefix, |served| {
        let session = served.session.as_ref()?;
        Some((held_token(served, true), session.refresh_token.is_some()))
    })
    .flatten()?;
    if let Some(held) = fresh {
        return Some(held);
    }
    if renewable {
        let _ = renew(prefix).await;
    }
    served::with_provider(prefix, |served| held_token(served, false)).flatten()
}

/// Whether the provider's session can be renewed (it holds a refresh token).
pub(super) fn renewable(prefix: &str) -> bool {
    served::with_provider(prefix, |served| {
        served
            .session
            .as_ref()
            .is_some_and(|session| session.refresh_token.is_some())
    })
    .unwrap_or(false)
}

/// Renews the provider's session now; callers at the same time share one renewal.
/// A renewal whose session was replaced meanwhile (a sign-out, another login) keeps
/// nothing, says nothing, and revokes the refresh token it got.
///
/// # Errors
/// Why it failed; a failure that ends the session has ended it (every page heard).
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
    let snapshot = served::with_provider(prefix, |served| {
        let session = served.session.clone()?;
        let refresh_token = session.refresh_token.clone()?;
        Some((
            session,
            refresh_token,
            served.config.clone(),
            served.metadata.clone(),
            served.epoch,
            served.key.clone(),
        ))
    })
    .flatten();
    let Some((session, refresh_token, config, metadata, epoch, key)) = snapshot else {
        return Err(ProtocolError::SessionEnded.into());
    };
    let still_current = |served: &served::Served| served.epoch == epoch;
    let api = TokenKey {
        scope: String::new(),
        ..TokenKey::default_for(&config)
    };
    let body = refresh_body_for(&config, &refresh_token, &api);
    // Signed with the session's own key when it has one: a DPoP-bound refresh token
    // is taken only with it (RFC 9449 section 5).
    let answer = match token_request(&metadata.token_endpoint, body, key.as_ref()).await {
        Ok(answer) => answer,
        Err(error) => return settle(prefix, epoch, Err(error)),
    };
    let answer = match read_refresh_answer(answer.status, &answer.body, refresh_token) {
        Ok(answer) => answer,
        Err(error) => return settle(prefix, epoch, Err(error.into())),
    };
    // The old refresh token is spent: the rotated one is kept before anything else can
    // fail, in the session it was for, or revoked when that session is gone.
    let kept = served::with_provider(prefix, |served| {
        let current = still_current(served);
        if let (true, Some(session)) = (current, served.session.as_mut()) {
            session.refresh_token = Some(answer.keep.clone());
        }
        current
    });
    if kept != Some(true) {
        revocation::revoke(&config, &metadata, &answer.keep).await;
        return Ok(());
    }
    let verified = async {
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
        renewed.refresh_token = Some(answer.keep.clone());
        Ok::<_, AuthError>(renewed)
    }
    .await;
    if verified.as_ref().is_err_and(AuthError::ends_session) {
        // The session ends on a token it cannot take: the grant goes with it.
        revocation::revoke(&config, &metadata, &answer.keep).await;
    }
    settle(prefix, epoch, verified)
}

/// Puts a renewal's outcome in place, if its session (`epoch`) still is, and tells
/// every page; a renewal of a replaced session changes and says nothing.
fn settle(
    prefix: &str,
    epoch: u64,
    outcome: Result<oidc_browser_core::session::Session, AuthError>,
) -> Result<(), AuthError> {
    let message = served::with_provider(prefix, |served| {
        if served.epoch != epoch {
            return None;
        }
        Some(match outcome {
            Ok(renewed) => {
                // The same session (`epoch`), so the same key.
                let key = served.key.take();
                served.replace_session(Some(renewed), key);
                Ok(ToPage::SignedIn {
                    provider: prefix.to_owned(),
                    session: served.view()?,
                })
            }
            Err(error) => {
                if error.ends_session() {
                    served.replace_session(None, None);
                }
                Err(error)
            }
        })
    })
    .flatten();
    match message {
        None => Ok(()),
        Some(Ok(signed_in)) => {
            pages::broadcast(&signed_in);
            Ok(())
        }
        Some(Err(error)) => {
            if error.ends_session() {
                pages::broadcast(&ToPage::Failed {
                    provider: Some(prefix.to_owned()),
                    message: error.to_string(),
                    ends_session: true,
                    request: None,
                });
                pages::broadcast(&ToPage::SignedOut {
                    provider: prefix.to_owned(),
                });
            }
            Err(error)
        }
    }
}
