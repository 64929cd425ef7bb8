//! The worker's tokens on the wire: its token requests (with a DPoP proof when the
//! session's key signs them), and a page's request to a listed API with the access
//! token attached, as a bearer token or DPoP-bound with a proof of that very request.
//! The key never leaves the worker; only proofs, each for one request, do.

use oidc_browser_core::dpop::resource_wants_nonce;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, RequestRedirect, Response};

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
/// go twice.
///
/// # Errors
/// What the browser's `fetch` rejects with, or a proof that could not be signed.
pub(super) async fn send(request: &Request, held: Option<HeldToken>) -> Result<Response, JsValue> {
    let Some(HeldToken {
        token,
        key: Some(key),
    }) = held
    else {
        let bearer = held.map(|held| format!("Bearer {}", held.token));
        return fetch(&with_token(request, bearer.as_deref(), None)?).await;
    };
    let url = request.url();
    let method = request.method();
    let authorization = format!("DPoP {token}");
    let refused = |_| JsValue::from_str("the token worker could not sign a DPoP proof");
    let first = dpop::proof_for(&key, &method, &url, Some(&token), None)
        .await
        .map_err(refused)?;
    let answer = fetch(&with_token(
        &request.clone()?,
        Some(&authorization),
        Some(&first),
    )?)
    .await?;
    let nonce = answer.headers().get("dpop-nonce")?;
    if let Some(nonce) = &nonce {
        dpop::remember_nonce(&url, nonce);
    }
    let challenge = answer.headers().get("www-authenticate")?;
    let Some(nonce) = nonce.filter(|_| resource_wants_nonce(answer.status(), challenge.as_deref()))
    else {
        return Ok(answer);
    };
    let second = dpop::proof_for(&key, &method, &url, Some(&token), Some(nonce))
        .await
        .map_err(refused)?;
    fetch(&with_token(request, Some(&authorization), Some(&second))?).await
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
