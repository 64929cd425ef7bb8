//! Splitting and decoding a compact JWS (RFC 7515 section 7.1), the form of an ID token.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

use super::IdTokenError;

/// Largest ID token accepted. Real ones are a few kilobytes; the bound keeps a hostile
/// token from costing memory and time.
pub const MAX_JWT_BYTES: usize = 64 * 1024;

/// Algorithms this client accepts. `none` would mean no signature at all; HMAC
/// (`HS*`) would need a secret a public client cannot have, and is the classic
/// key-confusion attack (signing with the public key as the HMAC secret).
pub const ACCEPTED_ALGS: [&str; 2] = ["RS256", "ES256"];

/// The JOSE header fields this client reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtHeader {
    /// The signature algorithm; one of [`ACCEPTED_ALGS`].
    pub alg: String,
    /// The key id, to pick the key from the provider's JWKS.
    pub kid: Option<String>,
}

/// `alg` when it is a registered JOSE algorithm (RFC 7518), for messages; anything
/// else is "an unknown one".
fn registered_alg(alg: &str) -> &'static str {
    const REGISTERED: [&str; 14] = [
        "none", "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
        "PS256", "PS384", "PS512", "EdDSA",
    ];
    REGISTERED
        .iter()
        .find(|known| **known == alg)
        .copied()
        .unwrap_or("an unknown one")
}

/// A JWT split into its parts, decoded but not yet trusted. Its parts are read-only:
/// the claims that become trusted are the ones the signature covers.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedJwt {
    /// The header.
    header: JwtHeader,
    /// The payload's claims.
    payload: Map<String, Value>,
    /// `BASE64URL(header) "." BASE64URL(payload)`, the bytes the signature covers.
    signing_input: String,
    /// The signature bytes.
    signature: Vec<u8>,
}

impl DecodedJwt {
    /// Decodes a compact JWS without checking its signature.
    ///
    /// # Errors
    /// [`IdTokenError`] for a token that is too large, not three segments, not
    /// base64url, not JSON objects, or signed with an algorithm not accepted.
    pub fn decode(token: &str) -> Result<Self, IdTokenError> {
        if token.len() > MAX_JWT_BYTES {
            return Err(IdTokenError::TooLarge);
        }
        let mut segments = token.split('.');
        let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Err(IdTokenError::NotAJwt);
        };
        let header = json_object(header_b64, "header")?;
        let alg = match header.get("alg") {
            Some(Value::String(alg)) => alg.clone(),
            _ => return Err(IdTokenError::Malformed("header has no `alg`")),
        };
        if !ACCEPTED_ALGS.contains(&alg.as_str()) {
            return Err(IdTokenError::UnsupportedAlg(registered_alg(&alg)));
        }
        // RFC 7515 4.1.11: a recipient that does not understand every critical
        // extension must refuse the token; this one understands none.
        if header.contains_key("crit") {
            return Err(IdTokenError::CriticalHeader);
        }
        let kid = match header.get("kid") {
            None => None,
            Some(Value::String(kid)) => Some(kid.clone()),
            Some(_) => return Err(IdTokenError::Malformed("header `kid` is not a string")),
        };
        let signature = URL_SAFE_NO_PAD
            .decode(signature_b64)
            .map_err(|_| IdTokenError::BadBase64("signature"))?;
        if signature.is_empty() {
            return Err(IdTokenError::Malformed("the signature is empty"));
        }
        Ok(Self {
            header: JwtHeader { alg, kid },
            payload: json_object(payload_b64, "payload")?,
            signing_input: format!("{header_b64}.{payload_b64}"),
            signature,
        })
    }
}

impl DecodedJwt {
    /// The header, to pick the key that verifies the token.
    pub fn header(&self) -> &JwtHeader {
        &self.header
    }

    /// The signing input and the signature, for the host's check.
    pub(super) fn signed_parts(&self) -> (&str, &[u8]) {
        (&self.signing_input, &self.signature)
    }

    /// Marks the token as verified: only [`super::jwks::Jwk::verify_signature`] calls
    /// this, once the host's check said the signature verifies.
    pub(super) fn trusted(self) -> VerifiedJwt {
        VerifiedJwt(self)
    }

    /// Marks the token as verified **without checking anything**.
    ///
    /// # Security
    /// Only for tests that build tokens of their own; never for a token from outside.
    pub fn insecure_assume_signature_verified(self) -> VerifiedJwt {
        VerifiedJwt(self)
    }
}

/// A JWT whose signature verified against the provider's key.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedJwt(DecodedJwt);

impl VerifiedJwt {
    /// The verified header.
    pub fn header(&self) -> &JwtHeader {
        &self.0.header
    }

    /// The verified claims, for validation.
    pub fn into_payload(self) -> Map<String, Value> {
        self.0.payload
    }
}

fn json_object(segment: &str, part: &'static str) -> Result<Map<String, Value>, IdTokenError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| IdTokenError::BadBase64(part))?;
    // JSON text is UTF-8 (RFC 8259); one reader for all JSON keeps the module small.
    let text = std::str::from_utf8(&bytes).map_err(|_| IdTokenError::BadJson(part))?;
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(IdTokenError::BadJson(part)),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds an unsigned-looking token with the given header and payload JSON.
    pub(crate) fn token(header: &str, payload: &str) -> String {
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(b"signature")
        )
    }

    #[test]
    fn critical_extensions_are_refused() {
        let raw = token(
            r#"{"alg":"RS256","crit":["exp"],"exp":1}"#,
            r#"{"sub":"s"}"#,
        );
        assert_eq!(DecodedJwt::decode(&raw), Err(IdTokenError::CriticalHeader));
    }

    #[test]
    fn an_unknown_alg_is_not_repeated() {
        let raw = token(r#"{"alg":"Call 0800 SCAM"}"#, r#"{"sub":"s"}"#);
        let error = DecodedJwt::decode(&raw).unwrap_err();
        assert_eq!(error, IdTokenError::UnsupportedAlg("an unknown one"));
        assert!(!error.to_string().contains("SCAM"));
        let none = token(r#"{"alg":"none"}"#, r#"{"sub":"s"}"#);
        assert_eq!(
            DecodedJwt::decode(&none),
            Err(IdTokenError::UnsupportedAlg("none"))
        );
    }

    #[test]
    fn decodes_header_payload_and_signing_input() {
        let raw = token(
            r#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#,
            r#"{"sub":"u1"}"#,
        );
        let jwt = DecodedJwt::decode(&raw).unwrap();
        assert_eq!(
            jwt.header,
            JwtHeader {
                alg: "RS256".into(),
                kid: Some("k1".into())
            }
        );
        assert_eq!(jwt.payload["sub"], "u1");
        assert_eq!(jwt.signature, b"signature");
        assert_eq!(jwt.signing_input, raw.rsplit_once('.').unwrap().0);
    }

    #[test]
    fn rejects_wrong_segment_counts() {
        let good = token(r#"{"alg":"RS256"}"#, "{}");
        let parts: Vec<&str> = good.split('.').collect();
        for raw in [
            String::new(),
            parts[0].to_owned(),
            format!("{}.{}", parts[0], parts[1]),
            format!("{good}.extra"),
        ] {
            assert_eq!(
                DecodedJwt::decode(&raw),
                Err(IdTokenError::NotAJwt),
                "{raw}"
            );
        }
    }

    #[test]
    fn rejects_bad_base64_and_json() {
        let good = token(r#"{"alg":"RS256"}"#, "{}");
        let (head, rest) = good.split_once('.').unwrap();
        assert_eq!(
            DecodedJwt::decode(&format!("{head}.!!!.{}", rest.split_once('.').unwrap().1)),
            Err(IdTokenError::BadBase64("payload"))
        );
        assert_eq!(
            DecodedJwt::decode(&format!("{head}={rest}")),
            Err(IdTokenError::NotAJwt)
        );
        assert_eq!(
            DecodedJwt::decode(&format!("%%.{rest}")),
            Err(IdTokenError::BadBase64("header"))
        );
        assert_eq!(
            DecodedJwt::decode(&token("[1]", "{}")),
            Err(IdTokenError::BadJson("header"))
        );
        assert_eq!(
            DecodedJwt::decode(&token(r#"{"alg":"RS256"}"#, "{not json")),
            Err(IdTokenError::BadJson("payload"))
        );
        assert_eq!(
            DecodedJwt::decode(&format!("{head}.{}.", rest.split_once('.').unwrap().0)),
            Err(IdTokenError::Malformed("the signature is empty"))
        );
    }

    #[test]
    fn rejects_none_hmac_and_missing_alg() {
        for alg in ["none", "None", "HS256", "HS512", "RS1", ""] {
            let raw = token(&format!(r#"{{"alg":"{alg}"}}"#), "{}");
            assert!(
                matches!(
                    DecodedJwt::decode(&raw),
                    Err(IdTokenError::UnsupportedAlg(_))
                ),
                "{alg}"
            );
        }
        assert_eq!(
            DecodedJwt::decode(&token(r#"{"typ":"JWT"}"#, "{}")),
            Err(IdTokenError::Malformed("header has no `alg`"))
        );
        assert_eq!(
            DecodedJwt::decode(&token(r#"{"alg":"RS256","kid":7}"#, "{}")),
            Err(IdTokenError::Malformed("header `kid` is not a string"))
        );
    }

    #[test]
    fn rejects_huge_tokens() {
        let raw = token(
            r#"{"alg":"RS256"}"#,
            &format!(r#"{{"x":"{}"}}"#, "a".repeat(MAX_JWT_BYTES)),
        );
        assert_eq!(DecodedJwt::decode(&raw), Err(IdTokenError::TooLarge));
    }
}
