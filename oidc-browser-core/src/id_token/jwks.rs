//! The provider's signing keys (JWK Set, RFC 7517) and picking the one that signed a
//! token. Only keys WebCrypto can check and this client accepts: RSA of at least
//! 2048 bits for RS256, P-256 for ES256.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

use super::jwt::{DecodedJwt, JwtHeader, VerifiedJwt};
use super::IdTokenError;

/// Smallest RSA modulus accepted, in bytes (2048 bits).
const MIN_RSA_MODULUS_BYTES: usize = 256;

/// A public key, with the fields WebCrypto's JWK import needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Jwk {
    /// An RSA key for RS256.
    Rsa {
        /// Key id.
        kid: Option<String>,
        /// Modulus, base64url.
        n: String,
        /// Exponent, base64url.
        e: String,
    },
    /// A P-256 key for ES256.
    EcP256 {
        /// Key id.
        kid: Option<String>,
        /// X coordinate, base64url.
        x: String,
        /// Y coordinate, base64url.
        y: String,
    },
}

impl Jwk {
    /// The key id.
    pub fn kid(&self) -> Option<&str> {
        match self {
            Self::Rsa { kid, .. } | Self::EcP256 { kid, .. } => kid.as_deref(),
        }
    }

    /// The JWS algorithm this key verifies.
    pub fn alg(&self) -> &'static str {
        match self {
            Self::Rsa { .. } => "RS256",
            Self::EcP256 { .. } => "ES256",
        }
    }

    /// Whether this key verifies the token's algorithm.
    ///
    /// # Errors
    /// [`IdTokenError::UnknownKey`] when it does not (an RS256 token and a P-256 key).
    pub fn fits(&self, header: &JwtHeader) -> Result<(), IdTokenError> {
        if self.alg() == header.alg {
            Ok(())
        } else {
            Err(IdTokenError::UnknownKey)
        }
    }

    /// Trusts `jwt` when this key fits its algorithm and `check`, the host's
    /// cryptography (WebCrypto in a browser) with this key, says that the signature
    /// (its second argument) verifies over the signing input (its first). The only way
    /// to a [`VerifiedJwt`] besides the test-only
    /// [`DecodedJwt::insecure_assume_signature_verified`].
    ///
    /// # Errors
    /// [`IdTokenError::UnknownKey`] when the key does not fit;
    /// [`IdTokenError::BadSignature`] when `check` answers `false`.
    pub async fn verify_signature<F, Fut>(
        &self,
        jwt: DecodedJwt,
        check: F,
    ) -> Result<VerifiedJwt, IdTokenError>
    where
        F: FnOnce(&str, &[u8]) -> Fut,
        Fut: core::future::Future<Output = bool>,
    {
        self.fits(jwt.header())?;
        let (signing_input, signature) = jwt.signed_parts();
        if check(signing_input, signature).await {
            Ok(jwt.trusted())
        } else {
            Err(IdTokenError::BadSignature)
        }
    }

    /// The public JWK as JSON, for `crypto.subtle.importKey("jwk", …)`.
    pub fn to_import_json(&self) -> String {
        let value = match self {
            Self::Rsa { n, e, .. } => {
                serde_json::json!({"kty": "RSA", "n": n, "e": e, "ext": true})
            }
            Self::EcP256 { x, y, .. } => {
                serde_json::json!({"kty": "EC", "crv": "P-256", "x": x, "y": y, "ext": true})
            }
        };
        value.to_string()
    }
}

/// Why a JWK Set cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwksError {
    /// Not `{"keys": [...]}`.
    #[error("the provider's key set is malformed")]
    Malformed,
}

/// The usable signing keys of a JWK Set; others (encryption keys, unknown types, weak
/// RSA) are skipped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Jwks {
    /// The keys.
    pub keys: Vec<Jwk>,
}

impl Jwks {
    /// Parses a JWK Set document.
    ///
    /// # Errors
    /// [`JwksError::Malformed`] when it is not a JSON object with a `keys` array.
    pub fn parse(text: &str) -> Result<Self, JwksError> {
        let value: Value = serde_json::from_str(text).map_err(|_| JwksError::Malformed)?;
        let keys = value
            .get("keys")
            .and_then(Value::as_array)
            .ok_or(JwksError::Malformed)?;
        Ok(Self {
            keys: keys.iter().filter_map(usable_key).collect(),
        })
    }

    /// The key that can have signed a token with `header`: same `kid` (or, when the
    /// token names none, the only key for its algorithm) and the algorithm's key type.
    pub fn find(&self, header: &JwtHeader) -> Option<&Jwk> {
        self.select(header).ok()
    }

    /// The key for `header`, or why there is none: no key fits, or the header names
    /// no `kid` and several keys fit its algorithm.
    ///
    /// # Errors
    /// [`IdTokenError::UnknownKey`] or [`IdTokenError::AmbiguousKey`].
    pub fn select(&self, header: &JwtHeader) -> Result<&Jwk, IdTokenError> {
        let mut candidates = self.keys.iter().filter(|k| k.fits(header).is_ok());
        match &header.kid {
            Some(kid) => candidates
                .find(|k| k.kid() == Some(kid))
                .ok_or(IdTokenError::UnknownKey),
            None => match (candidates.next(), candidates.next()) {
                (Some(only), None) => Ok(only),
                (None, _) => Err(IdTokenError::UnknownKey),
                (Some(_), Some(_)) => Err(IdTokenError::AmbiguousKey),
            },
        }
    }
}

fn usable_key(key: &Value) -> Option<Jwk> {
    let field = |name: &str| key.get(name).and_then(Value::as_str);
    if field("use").is_some_and(|u| u != "sig") {
        return None;
    }
    let kid = field("kid").map(str::to_owned);
    let decoded_len = |name: &str| {
        field(name)
            .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
            .map(|b| b.len())
    };
    let jwk = match field("kty")? {
        "RSA" => {
            if decoded_len("n")? < MIN_RSA_MODULUS_BYTES || decoded_len("e")? == 0 {
                return None;
            }
            Jwk::Rsa {
                kid,
                n: field("n")?.into(),
                e: field("e")?.into(),
            }
        }
        "EC" if field("crv") == Some("P-256") => {
            if decoded_len("x")? != 32 || decoded_len("y")? != 32 {
                return None;
            }
            Jwk::EcP256 {
                kid,
                x: field("x")?.into(),
                y: field("y")?.into(),
            }
        }
        _ => return None,
    };
    // A key pinned to another algorithm must not verify this one.
    match field("alg") {
        Some(alg) if alg != jwk.alg() => None,
        _ => Some(jwk),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(len: usize) -> String {
        URL_SAFE_NO_PAD.encode(vec![7u8; len])
    }

    fn set() -> String {
        serde_json::json!({"keys": [
            {"kty": "RSA", "kid": "r1", "use": "sig", "alg": "RS256", "n": b64(256), "e": "AQAB"},
            {"kty": "EC", "kid": "e1", "crv": "P-256", "x": b64(32), "y": b64(32)},
            {"kty": "RSA", "kid": "enc", "use": "enc", "n": b64(256), "e": "AQAB"},
            {"kty": "RSA", "kid": "weak", "n": b64(128), "e": "AQAB"},
            {"kty": "EC", "kid": "p384", "crv": "P-384", "x": b64(48), "y": b64(48)},
            {"kty": "oct", "kid": "hmac", "k": b64(32)},
            {"kty": "RSA", "kid": "pinned", "alg": "RS512", "n": b64(256), "e": "AQAB"},
            {"kty": "EC", "kid": "short", "crv": "P-256", "x": b64(31), "y": b64(32)}
        ]})
        .to_string()
    }

    fn header(alg: &str, kid: Option<&str>) -> JwtHeader {
        JwtHeader {
            alg: alg.into(),
            kid: kid.map(str::to_owned),
        }
    }

    /// Runs a future that never waits (the checks below answer at once).
    fn ready<T>(future: impl core::future::Future<Output = T>) -> T {
        let mut future = core::pin::pin!(future);
        let mut context = core::task::Context::from_waker(core::task::Waker::noop());
        match future.as_mut().poll(&mut context) {
            core::task::Poll::Ready(value) => value,
            core::task::Poll::Pending => panic!("the check waited"),
        }
    }

    #[test]
    fn only_a_signature_the_check_accepts_with_a_fitting_key_is_trusted() {
        let keys = Jwks::parse(&set()).unwrap();
        let rsa = keys.find(&header("RS256", Some("r1"))).unwrap();
        let ec = keys.find(&header("ES256", Some("e1"))).unwrap();
        let raw = crate::id_token::jwt::tests::token(r#"{"alg":"RS256"}"#, r#"{"sub":"s"}"#);
        let decoded = DecodedJwt::decode(&raw).unwrap();
        let signing_input = decoded.signed_parts().0.to_owned();
        let refused = ready(rsa.verify_signature(decoded.clone(), |_, _| async { false }));
        assert_eq!(refused.unwrap_err(), IdTokenError::BadSignature);
        let wrong_key = ready(ec.verify_signature(decoded.clone(), |_, _| async { true }));
        assert_eq!(
            wrong_key.unwrap_err(),
            IdTokenError::UnknownKey,
            "never asked"
        );
        let seen = ready(rsa.verify_signature(decoded, |input, signature| {
            let matches = input == signing_input && signature == b"signature";
            async move { matches }
        }));
        assert_eq!(seen.unwrap().header().alg, "RS256");
    }

    #[test]
    fn keeps_only_usable_signing_keys() {
        let jwks = Jwks::parse(&set()).unwrap();
        let kids: Vec<_> = jwks.keys.iter().map(|k| k.kid().unwrap()).collect();
        assert_eq!(kids, ["r1", "e1"]);
    }

    #[test]
    fn finds_by_kid_and_algorithm() {
        let jwks = Jwks::parse(&set()).unwrap();
        assert_eq!(
            jwks.find(&header("RS256", Some("r1"))).unwrap().kid(),
            Some("r1")
        );
        assert_eq!(
            jwks.find(&header("ES256", Some("e1"))).unwrap().kid(),
            Some("e1")
        );
        assert_eq!(
            jwks.find(&header("ES256", Some("r1"))),
            None,
            "key type must fit alg"
        );
        assert_eq!(jwks.find(&header("RS256", Some("unknown"))), None);
        assert_eq!(jwks.find(&header("RS256", Some("hmac"))), None);
    }

    #[test]
    fn without_kid_only_a_single_candidate_is_used() {
        let jwks = Jwks::parse(&set()).unwrap();
        assert_eq!(jwks.find(&header("RS256", None)).unwrap().kid(), Some("r1"));
        let two = Jwks {
            keys: vec![jwks.keys[0].clone(), jwks.keys[0].clone()],
        };
        assert_eq!(two.find(&header("RS256", None)), None);
        assert_eq!(
            two.select(&header("RS256", None)),
            Err(IdTokenError::AmbiguousKey)
        );
        assert_eq!(
            two.select(&header("ES256", None)),
            Err(IdTokenError::UnknownKey)
        );
    }

    #[test]
    fn malformed_sets() {
        for text in ["", "[]", "{}", r#"{"keys":{}}"#, "<html>"] {
            assert_eq!(Jwks::parse(text), Err(JwksError::Malformed), "{text}");
        }
        assert_eq!(Jwks::parse(r#"{"keys":[1,"x",{}]}"#).unwrap().keys, vec![]);
    }

    #[test]
    fn import_json_holds_public_parts_only() {
        let jwks = Jwks::parse(&set()).unwrap();
        let json = jwks.keys[0].to_import_json();
        assert!(json.contains(r#""kty":"RSA""#) && json.contains(r#""e":"AQAB""#));
        assert!(jwks.keys[1].to_import_json().contains(r#""crv":"P-256""#));
    }
}
