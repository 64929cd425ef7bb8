//! DPoP in the browser: the key pair (WebCrypto ECDSA P-256; the private key cannot
//! be exported, not even by this code) kept in IndexedDB as a `CryptoKey`, so a reload
//! and the callback after a redirect keep the same key; proofs signed with it; and the
//! servers' nonces. The claims and rules are the core's (`oidc_browser_core::dpop`).
//! The token worker's keys (`new_key`, same WebCrypto) are kept nowhere but in its
//! memory, beside the session they bind.
//!
//! Races: two calls at once that find no key both make one and the last write wins;
//! tokens are bound at the token endpoint, under the refresh lock, to the key read
//! there, and the key is made before the login leaves for the provider.

use std::cell::RefCell;

use js_sys::{Array, Object, Reflect, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

use std::future::Future;

use super::http::HttpResponse;
use super::{clock, idb};
use crate::error::{AuthError, BrowserError};
use oidc_browser_core::config::names::StorageNames;
use oidc_browser_core::dpop::{
    hidden_header, proof, signing_input, DpopError, Nonces, ProofFor, PublicJwk,
};

const STORE: &str = "keys";
const KEY: &str = "dpop";

/// The browser's DPoP key: the private half (unexportable) and the public JWK.
#[derive(Clone)]
pub struct DpopKey {
    private: CryptoKey,
    public: PublicJwk,
}

thread_local! {
    /// The key of this page, once read or made, with the database it lives in.
    static CURRENT: RefCell<Option<(String, DpopKey)>> = const { RefCell::new(None) };
    /// The servers' latest nonces.
    static NONCES: RefCell<Nonces> = RefCell::new(Nonces::default());
}

/// The global scope's WebCrypto: a page's, or the token worker's.
fn subtle() -> Result<SubtleCrypto, DpopError> {
    Reflect::get(&js_sys::global(), &"crypto".into())
        .ok()
        .and_then(|crypto| crypto.dyn_into::<web_sys::Crypto>().ok())
        .map(|crypto| crypto.subtle())
        .ok_or(DpopError::Crypto)
}

fn object(json: &str) -> Result<Object, DpopError> {
    JSON::parse(json)
        .ok()
        .and_then(|v| v.dyn_into::<Object>().ok())
        .ok_or(DpopError::Crypto)
}

async fn settle(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, DpopError> {
    JsFuture::from(promise.map_err(|_| DpopError::Crypto)?)
        .await
        .map_err(|_| DpopError::Crypto)
}

/// The key of `names`' app: this page's, the one kept in IndexedDB, or a new one
/// (kept there at once).
///
/// # Errors
/// [`DpopError`] when WebCrypto or IndexedDB fail.
pub async fn key(names: &StorageNames) -> Result<DpopKey, DpopError> {
    let database = names.dpop_database();
    let cached = CURRENT.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(db, _)| *db == database)
            .map(|(_, key)| key.clone())
    });
    if let Some(key) = cached {
        return Ok(key);
    }
    stored_key(names, true).await?.ok_or(DpopError::Crypto)
}

/// The key kept in IndexedDB now, past this page's copy (another tab's sign-out may
/// have removed or replaced it); when there is none, a new one kept there at once
/// (`make`: for a login, whose code is bound to it), or `None` (for redeeming a code
/// bound to a key, which no new key can do). One function for both, not two async
/// wrappers: measured, each wrapper's state machine cost about 2 KB of wasm.
///
/// # Errors
/// [`DpopError`] when WebCrypto or IndexedDB fail.
pub async fn stored_key(names: &StorageNames, make: bool) -> Result<Option<DpopKey>, DpopError> {
    let database = names.dpop_database();
    // Read, and made only if missing, under the app's key lock: two tabs making the
    // key at once would each bind their tokens to their own key, and only one would
    // stay stored.
    let pair = super::locks::with_lock(
        &names.dpop_key_lock(),
        stored_or_new_pair(database.clone(), make),
    )
    .await?;
    let Some(pair) = pair else {
        // None kept: this page's copy, if any, is another tab's removed key.
        CURRENT.with(|c| *c.borrow_mut() = None);
        return Ok(None);
    };
    let key = key_of(&pair).await?;
    CURRENT.with(|c| *c.borrow_mut() = Some((database, key.clone())));
    Ok(Some(key))
}

/// A new key that is kept nowhere: the token worker's, whose memory is the only place
/// it lives (it goes with the session its tokens are bound to).
///
/// # Errors
/// [`DpopError`] when WebCrypto fails.
#[cfg(feature = "token-worker")]
pub async fn new_key() -> Result<DpopKey, DpopError> {
    key_of(&new_pair().await?).await
}

/// The key of a WebCrypto key pair: the private half as it is, the public one as a JWK.
async fn key_of(pair: &JsValue) -> Result<DpopKey, DpopError> {
    let part = |name: &str| -> Result<CryptoKey, DpopError> {
        Reflect::get(pair, &name.into())
            .ok()
            .and_then(|k| k.dyn_into().ok())
            .ok_or(DpopError::BadKey)
    };
    let (private, public) = (part("privateKey")?, part("publicKey")?);
    let exported = settle(subtle()?.export_key("jwk", &public)).await?;
    let jwk = JSON::stringify(&exported)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or(DpopError::BadKey)?;
    Ok(DpopKey {
        private,
        public: PublicJwk::from_json(&jwk)?,
    })
}

/// Removes the key of `names`' app (at sign-out) and every nonce.
pub async fn forget(names: &StorageNames) {
    drop_cached();
    idb::delete(&names.dpop_database(), STORE, KEY).await;
}

/// Forgets this page's copy of the key and the servers' nonces (not the stored key):
/// the next use reads the key anew from IndexedDB, where another tab may have removed
/// or replaced it.
pub fn drop_cached() {
    CURRENT.with(|c| *c.borrow_mut() = None);
    NONCES.with(|n| *n.borrow_mut() = Nonces::default());
}

/// A proof for one request, with the server's latest nonce.
///
/// # Errors
/// [`DpopError::Crypto`] when signing fails.
pub async fn proof_for(
    key: &DpopKey,
    method: &str,
    url: &str,
    access_token: Option<&str>,
    nonce: Option<String>,
) -> Result<String, DpopError> {
    let nonce = nonce.or_else(|| NONCES.with(|n| n.borrow().for_url(url).map(str::to_owned)));
    let mut jti = [0u8; 16];
    getrandom::fill(&mut jti).map_err(|_| DpopError::Crypto)?;
    let input = signing_input(
        &key.public,
        &ProofFor {
            method,
            url,
            access_token,
            nonce: nonce.as_deref(),
        },
        &oidc_browser_core::authorization::pkce::base64url(&jti),
        clock::now_secs(),
    );
    let algorithm = object(r#"{"name":"ECDSA","hash":"SHA-256"}"#)?;
    let signature =
        settle(subtle()?.sign_with_object_and_u8_array(&algorithm, &key.private, input.as_bytes()))
            .await?;
    Ok(proof(&input, &Uint8Array::new(&signature).to_vec()))
}

/// Sends a request with a proof (`send` gets the proof), keeps the nonce the server
/// answers with, and sends once more, with that nonce, when `wants_nonce` says the
/// answer asks for one (RFC 9449 sections 8 and 9).
///
/// # Errors
/// A key or proof that could not be made, or the request's own failure.
pub async fn send_with_proof<Send, Sent>(
    key: &DpopKey,
    method: &str,
    url: &str,
    access_token: Option<&str>,
    wants_nonce: impl Fn(&HttpResponse) -> bool,
    send: Send,
) -> Result<HttpResponse, AuthError>
where
    Send: Fn(String) -> Sent,
    Sent: Future<Output = Result<HttpResponse, BrowserError>>,
{
    // `htu` and the nonce's origin from the URL as the browser resolves it (a
    // relative URL, an upper-case host, a default port): the proof names the very
    // URL the request goes to, as the server sees it.
    let url = &absolute_url(url);
    let mut retry_nonce: Option<String> = None;
    loop {
        let retrying = retry_nonce.is_some();
        let proof = proof_for(key, method, url, access_token, retry_nonce.take()).await?;
        let answer = send(proof).await?;
        if let Some(nonce) = &answer.dpop_nonce {
            remember_nonce(url, nonce);
        }
        let wants = wants_nonce(&answer);
        if let Some(header) = hidden_header(
            access_token.is_some(),
            answer.status,
            wants,
            answer.dpop_nonce.is_some(),
            answer.www_authenticate.is_some(),
        ) {
            return Err(DpopError::HeaderHidden(header).into());
        }
        if wants && !retrying {
            // The nonce of this very answer: another request's answer may have
            // replaced the remembered one meanwhile.
            retry_nonce.clone_from(&answer.dpop_nonce);
            continue;
        }
        return Ok(answer);
    }
}

/// Keeps the nonce a server answered a request to `url` with, for the next proof.
pub fn remember_nonce(url: &str, nonce: &str) {
    NONCES.with(|n| n.borrow_mut().remember(url, nonce));
}

/// `url` resolved and normalised by the browser's URL parser against the global
/// scope's address (the page's, or the token worker's script); as given when it
/// cannot be parsed (the request then fails on its own).
pub(super) fn absolute_url(url: &str) -> String {
    let base = Reflect::get(&js_sys::global(), &"location".into())
        .and_then(|location| Reflect::get(&location, &"href".into()))
        .ok()
        .and_then(|href| href.as_string())
        .unwrap_or_default();
    web_sys::Url::new_with_base(url, &base)
        .map(|parsed| parsed.href())
        .unwrap_or_else(|_| url.to_owned())
}

/// The key pair stored in `database`, or (`make`) a new one, stored first. Call
/// under the key lock.
async fn stored_or_new_pair(database: String, make: bool) -> Result<Option<JsValue>, DpopError> {
    if let Some(pair) = idb::read(&database, STORE, KEY)
        .await
        .map_err(|()| DpopError::Crypto)?
    {
        return Ok(Some(pair));
    }
    if !make {
        return Ok(None);
    }
    let pair = new_pair().await?;
    if !idb::put(&database, STORE, KEY, &pair).await {
        return Err(DpopError::Crypto);
    }
    Ok(Some(pair))
}

/// A new ECDSA P-256 key pair whose private half can never leave WebCrypto.
async fn new_pair() -> Result<JsValue, DpopError> {
    let usages = Array::of1(&"sign".into());
    let algorithm = object(r#"{"name":"ECDSA","namedCurve":"P-256"}"#)?;
    // `false`: not extractable.
    settle(subtle()?.generate_key_with_object(&algorithm, false, &usages)).await
}

/// The public key's RFC 7638 thumbprint (what the provider binds tokens to).
pub fn thumbprint(key: &DpopKey) -> String {
    key.public.thumbprint()
}
