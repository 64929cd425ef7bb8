//! ID token signature verification with the browser's WebCrypto (`crypto.subtle`):
//! RS256 (RSASSA-PKCS1-v1_5 with SHA-256) and ES256 (ECDSA P-256 with SHA-256).
//! No crypto code of our own ships in the wasm.

use js_sys::{Array, Object, JSON};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::CryptoKey;

use oidc_browser_core::id_token::jwks::Jwk;
use oidc_browser_core::id_token::jwt::{DecodedJwt, VerifiedJwt};
use oidc_browser_core::id_token::IdTokenError;

fn object(json: &str) -> Result<Object, IdTokenError> {
    JSON::parse(json)
        .ok()
        .and_then(|v| v.dyn_into::<Object>().ok())
        .ok_or(IdTokenError::BadSignature)
}

/// Verifies `jwt`'s signature with `key`. The key must fit the token's algorithm,
/// which the decoder already restricted to RS256 and ES256.
///
/// # Errors
/// [`IdTokenError::BadSignature`] when the signature does not verify (or WebCrypto
/// refuses the key); [`IdTokenError::UnknownKey`] when the key does not fit the alg.
pub async fn verify_signature(jwt: DecodedJwt, key: &Jwk) -> Result<VerifiedJwt, IdTokenError> {
    key.fits(jwt.header())?;
    let (import, verify) = match key {
        Jwk::Rsa { .. } => (
            r#"{"name":"RSASSA-PKCS1-v1_5","hash":"SHA-256"}"#,
            r#"{"name":"RSASSA-PKCS1-v1_5"}"#,
        ),
        Jwk::EcP256 { .. } => (
            r#"{"name":"ECDSA","namedCurve":"P-256"}"#,
            r#"{"name":"ECDSA","hash":"SHA-256"}"#,
        ),
    };
    let subtle = super::global::crypto()
        .ok_or(IdTokenError::BadSignature)?
        .subtle();
    let usages = Array::of1(&"verify".into());
    let imported = subtle
        .import_key_with_object(
            "jwk",
            &object(&key.to_import_json())?,
            &object(import)?,
            false,
            &usages,
        )
        .map_err(|_| IdTokenError::BadSignature)?;
    let crypto_key: CryptoKey = JsFuture::from(imported)
        .await
        .ok()
        .and_then(|k| k.dyn_into().ok())
        .ok_or(IdTokenError::BadSignature)?;
    let verify = object(verify)?;
    key.verify_signature(jwt, |signing_input, signature| {
        // WebCrypto copies the bytes now; the answer comes later.
        let verified = subtle
            .verify_with_object_and_u8_array_and_u8_array(
                &verify,
                &crypto_key,
                signature,
                signing_input.as_bytes(),
            )
            .ok();
        async move {
            match verified {
                Some(promise) => {
                    JsFuture::from(promise).await.ok().and_then(|v| v.as_bool()) == Some(true)
                }
                None => false,
            }
        }
    })
    .await
}
