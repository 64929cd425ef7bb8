//! Token requests with DPoP proofs (RFC 9449), loaded lazily: the key, the proof and
//! IndexedDB's reads load only in an app with DPoP on, so the callback of an app
//! without it fetches none of that code. Measured on the equal page (brotli): the
//! callback's first load 3.7 KB smaller.
//!
//! In the `pkce_session` chunk rather than one of its own: an own split made the
//! splitter cut eight shared chunks instead of three (its loader +131 B and the main
//! module +54 B, on every first load). An app with DPoP on fetches the session chunk
//! at the code exchange, before it takes the login's transaction ([`load`]; it would
//! half a second later anyway: `preload_actions`).

use super::dpop;
use super::http::{self, HttpResponse};
use crate::error::AuthError;
use oidc_browser_core::config::names::StorageNames;
use oidc_browser_core::dpop::{code_key, token_endpoint_wants_nonce, CodeKey, DpopError};

crate::lazy_fn! {
    chunk pkce_session, preload preload_dpop_chunk;
    /// [`token_request`] from the DPoP chunk.
    fn token_request_in_chunk(
        names: StorageNames,
        endpoint: String,
        body: String,
        code_bound_to: Option<Option<String>>,
    ) -> crate::lazy::Boxed<Result<HttpResponse, AuthError>> {
        Box::pin(async move {
            token_request(&names, &endpoint, body, code_bound_to.as_ref().map(Option::as_deref)).await
        })
    }
}

/// [`token_request`], its code loaded first.
///
/// # Errors
/// [`crate::error::BrowserError::ChunkUnavailable`] when the code cannot be loaded
/// (before anything is sent: a code is not spent), else the request's.
pub async fn token_request_lazily(
    names: &StorageNames,
    endpoint: &str,
    body: String,
    code_bound_to: Option<Option<&str>>,
) -> Result<HttpResponse, AuthError> {
    crate::lazy::needed(token_request_in_chunk(
        names.clone(),
        endpoint.to_owned(),
        body,
        code_bound_to.map(|bound| bound.map(str::to_owned)),
    ))
    .await?
    .await
}

/// Loads the DPoP code ahead of need: at the callback, before the login's transaction
/// is taken.
///
/// # Errors
/// [`crate::error::BrowserError::ChunkUnavailable`] when it cannot be loaded.
pub async fn load() -> Result<(), AuthError> {
    crate::lazy::needed(preload_dpop_chunk()).await?;
    Ok(())
}

/// Sends a token request to `endpoint` with a DPoP proof signed with the app's key,
/// and once more with the server's nonce when it asks for one (RFC 9449 section 8).
/// For a code (`code_bound_to` given: the key the login bound it to, if any), only
/// that key signs, read from IndexedDB and never made anew (`code_key`).
///
/// # Errors
/// A failed request, a key or proof that could not be made, or
/// [`DpopError::KeyReplaced`] for a code whose key is gone.
async fn token_request(
    names: &StorageNames,
    endpoint: &str,
    body: String,
    code_bound_to: Option<Option<&str>>,
) -> Result<HttpResponse, AuthError> {
    let key = match code_bound_to {
        None => dpop::key(names).await?,
        Some(bound) => {
            let held = dpop::stored_key(names, false).await?;
            match code_key(bound, held.as_ref().map(dpop::thumbprint).as_deref()) {
                CodeKey::Held => held.ok_or(DpopError::KeyReplaced)?,
                CodeKey::New => dpop::key(names).await?,
                CodeKey::Replaced => return Err(DpopError::KeyReplaced.into()),
            }
        }
    };
    signed_token_request(&key, endpoint, body).await
}

/// A token request to `endpoint` with a proof signed with `key`, sent once more with
/// the server's nonce when it asks for one (RFC 9449 section 8). Shared with the token
/// worker, which holds its key itself; a plain function, not an `async` one, so the
/// page's code gains no state machine of its own for it.
pub(crate) fn signed_token_request<'a>(
    key: &'a dpop::DpopKey,
    endpoint: &'a str,
    body: String,
) -> impl std::future::Future<Output = Result<HttpResponse, AuthError>> + 'a {
    dpop::send_with_proof(
        key,
        "POST",
        endpoint,
        None,
        |answer| token_endpoint_wants_nonce(answer.status, &answer.body),
        move |proof| {
            let body = body.clone();
            async move { http::post_form(endpoint, body, Some(&proof)).await }
        },
    )
}
