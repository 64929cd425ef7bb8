//! The worker's tokens on the wire: its token requests (with a DPoP proof when the
//! session's key signs them), and a page's request to a listed API with the access
//! token attached, as a bearer token or DPoP-bound with a proof of that very request.
//! The key never leaves the worker; only proofs, each for one request, do.

use oidc_browser_core::dpop::{hidden_header, resource_wants_nonce, usable_nonce, DpopError};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, RequestRedirect, Response};

use super::served;
use crate::browser::dpop::{self, DpopKey};
use crate::browser::dpop_token::signed_token_request;
use crate::browser::http::{self, HttpResponse};
use crate::error::AuthError;

/// An access token as a request carries it: with the key it is bound to (DPoP), if
/// any, taken from the same session in the same step.
pub(super) struct HeldToken {
    /// The access token.
    pub token: String,
    /// The key that signs its proofs, when it is DPoP-bound.
    pub key: Option<DpopKey>,
    /// Its provider's storage prefix.
    pub prefix: String,
}

impl HeldToken {
    /// True while the login its token is of is still the provider's: signed in, with
    /// the same key. A key is made for each login and goes with its session at
    /// sign-out, while a renewal keeps it (and the token it replaced still works), so
    /// a renewal meanwhile does not take the token off a request.
    fn current(&self, key: &DpopKey) -> bool {
        let held = dpop::thumbprint(key);
        served::with_provider(&self.prefix, |served| {
            served.session.is_some() && served.key.as_ref().map(dpop::thumbprint) == Some(held)
        }) == Some(true)
    }
}

/// A token request to `endpoint`: signed with `key` when given (RFC 9449 section 5,
/// once more with the server's nonce when it asks), else as it is.
///
/// # Errors
/// A failed request, or a proof that could not be signed.
pub(super) async fn token_request(
    endpoint: &str,
    body: String,
    key: Option<&DpopKey>,
) -> Result<HttpResponse, AuthError> {
    match key {
        Some(key) => signed_token_request(key, endpoint, body).await,
        None => Ok(http::post_form(endpoint, body, None).await?),
    }
}

/// Sends a page's `request` with `held`'s token (none when signed out). A DPoP-bound
/// token goes as `Authorization: DPoP` with a proof of this method and URL (`ath`,
/// the API's latest nonce), and once more with the API's new nonce when its answer
/// asks for one (RFC 9449 section 9); the request is copied first, so its body can
/// go twice. After each proof is signed (an `await`), the token goes only if its
/// login is still in place: a sign-out or another login meanwhile sends the request
/// with no token, or the first answer back without a second try.
///
/// # Errors
/// What the browser's `fetch` rejects with, or a first proof that could not be signed.
pub(super) async fn send(request: &Request, held: Option<HeldToken>) -> Result<Response, JsValue> {
    let Some(held) = held else {
        return fetch(&with_token(request, None, None)?).await;
    };
    let Some(key) = &held.key else {
        let bearer = format!("Bearer {}", held.token);
        return fetch(&with_token(request, Some(&bearer), None)?).await;
    };
    let (url, method) = (request.url(), request.method());
    let authorization = format!("DPoP {}", held.token);
    let first = dpop::proof_for(key, &method, &url, Some(&held.token), None)
        .await
        .map_err(|_| JsValue::from_str("the token worker could not sign a DPoP proof"))?;
    if !held.current(key) {
        return fetch(&with_token(request, None, None)?).await;
    }
    let answer = fetch(&with_token(
        &request.clone()?,
        Some(&authorization),
        Some(&first),
    )?)
    .await?;
    let headers = answer.headers();
    let nonce = headers.get("dpop-nonce")?;
    if let Some(nonce) = &nonce {
        dpop::remember_nonce(&url, nonce);
    }
    let challenge = headers.get("www-authenticate")?;
    let wants = resource_wants_nonce(answer.status(), challenge.as_deref());
    if let Some(header) = hidden_header(
        true,
        answer.status(),
        wants,
        nonce.is_some(),
        challenge.is_some(),
    ) {
        // The page's `call_api` sees the API's 401; the reason is said here.
        web_sys::console::warn_1(&DpopError::HeaderHidden(header).to_string().into());
    }
    let Some(nonce) = nonce.filter(|nonce| wants && usable_nonce(nonce).is_some()) else {
        return Ok(answer);
    };
    let Ok(second) = dpop::proof_for(key, &method, &url, Some(&held.token), Some(nonce)).await
    else {
        return Ok(answer);
    };
    if !held.current(key) {
        return Ok(answer);
    }
    let retried = fetch(&with_token(request, Some(&authorization), Some(&second))?).await?;
    if let Some(nonce) = retried.headers().get("dpop-nonce")? {
        dpop::remember_nonce(&url, &nonce);
    }
    Ok(retried)
}

/// `request` with `authorization` (none: no token), the page's own `Authorization`
/// and `DPoP` dropped and the worker's `proof` in their place, and redirects not
/// followed: a redirect never takes the token where the rule was not asked.
fn with_token(
    request: &Request,
    authorization: Option<&str>,
    proof: Option<&str>,
) -> Result<Request, JsValue> {
    let headers = Headers::new_with_headers(&request.headers())?;
    headers.delete("authorization")?;
    headers.delete("dpop")?;
    if let Some(authorization) = authorization {
        headers.set("authorization", authorization)?;
    }
    if let Some(proof) = proof {
        headers.set("dpop", proof)?;
    }
    let init = RequestInit::new();
    init.set_headers(&headers);
    init.set_redirect(RequestRedirect::Manual);
    Request::new_with_request_and_init(request, &init)
}

/// The browser's `fetch`, from the worker's scope.
pub(super) async fn fetch(request: &Request) -> Result<Response, JsValue> {
    let scope: web_sys::ServiceWorkerGlobalScope = js_sys::global().unchecked_into();
    JsFuture::from(scope.fetch_with_request(request))
        .await?
        .dyn_into()
}
