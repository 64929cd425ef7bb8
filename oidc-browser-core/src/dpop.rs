//! DPoP (RFC 9449): tokens bound to a key this browser holds. The pure parts: the
//! public key as a JWK and its RFC 7638 thumbprint, the proof's header and claims
//! (`htm`, `htu`, `iat`, `jti`, `ath`, `nonce`), and the rules for nonces the servers
//! hand out. Signing is WebCrypto's (`browser/dpop.rs`), with a key that cannot be
//! exported.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::session::silent::origin_of;

/// The only proof algorithm this client signs with.
pub const ALG: &str = "ES256";

/// Why a key or an answer cannot be used for DPoP.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DpopError {
    /// The browser's public key is not a P-256 JWK.
    #[error("the browser's DPoP key is unusable")]
    BadKey,
    /// WebCrypto could not make, keep or use the key (a browser without it, storage
    /// refused).
    #[error("the browser could not make a DPoP key or proof")]
    Crypto,
    /// The provider does not accept ES256 proofs (`dpop_signing_alg_values_supported`).
    #[error("the provider does not accept DPoP proofs this app can sign (ES256)")]
    Unsupported,
    /// A server's answer needed a header that CORS keeps from the page: the server
    /// must list it in `Access-Control-Expose-Headers`.
    #[error("the server's answer hides its {0} header from this app (it must be listed in Access-Control-Expose-Headers)")]
    HeaderHidden(&'static str),
    /// The key the login's code is bound to (`dpop_jkt`) is no longer this browser's:
    /// a sign-out in another tab removed it while the user was at the provider.
    #[error("this browser's sign-in key changed while you were signing in; please sign in again")]
    KeyReplaced,
}

/// Which key redeems a login's code, from the thumbprint the login bound the code to
/// (`bound`, its `dpop_jkt`) and the one of the key this browser holds now (`held`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKey {
    /// The key held: the one bound, or any for a login bound to none.
    Held,
    /// None is held and the login is bound to none: a new key.
    New,
    /// The bound key is gone or replaced: the provider would refuse any other, so the
    /// code is not spent ([`DpopError::KeyReplaced`]).
    Replaced,
}

/// [`CodeKey`] for a login bound to `bound`, with `held` in the browser now.
pub fn code_key(bound: Option<&str>, held: Option<&str>) -> CodeKey {
    match (bound, held) {
        (None, None) => CodeKey::New,
        (None, Some(_)) => CodeKey::Held,
        (Some(bound), Some(held)) if bound == held => CodeKey::Held,
        (Some(_), _) => CodeKey::Replaced,
    }
}

/// The header a DPoP answer needed but the page cannot read (CORS exposes only a few
/// headers unless the server lists more), if any: a nonce asked for without its
/// `DPoP-Nonce`, or an API's 401 without its `WWW-Authenticate` challenge (RFC 6750
/// 3 and RFC 9449 7.1 require one). Without this, the first reads as a refused proof
/// and the second as a refused token, and the user would be signed out for a server's
/// CORS setting.
pub fn hidden_header(
    resource: bool,
    status: u16,
    wants_nonce: bool,
    has_nonce: bool,
    has_challenge: bool,
) -> Option<&'static str> {
    if wants_nonce && !has_nonce {
        Some("DPoP-Nonce")
    } else if resource && status == 401 && !has_challenge {
        Some("WWW-Authenticate")
    } else {
        None
    }
}

/// The public half of the browser's P-256 key, as a JWK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicJwk {
    x: String,
    y: String,
}

impl PublicJwk {
    /// Reads the JWK WebCrypto exports for the public key.
    ///
    /// # Errors
    /// [`DpopError::BadKey`] for anything but an EC P-256 public key.
    pub fn from_json(text: &str) -> Result<Self, DpopError> {
        let value: Value = serde_json::from_str(text).map_err(|_| DpopError::BadKey)?;
        let field = |name: &str| value.get(name).and_then(Value::as_str);
        let coordinate = |name: &str| {
            field(name)
                .filter(|c| {
                    URL_SAFE_NO_PAD
                        .decode(c)
                        .is_ok_and(|bytes| bytes.len() == 32)
                })
                .map(str::to_owned)
        };
        match (field("kty"), field("crv"), field("d")) {
            (Some("EC"), Some("P-256"), None) => Ok(Self {
                x: coordinate("x").ok_or(DpopError::BadKey)?,
                y: coordinate("y").ok_or(DpopError::BadKey)?,
            }),
            _ => Err(DpopError::BadKey),
        }
    }

    /// The RFC 7638 thumbprint: SHA-256 of the required members in lexicographic
    /// order, without spaces, base64url. The provider binds tokens to it (`cnf.jkt`).
    pub fn thumbprint(&self) -> String {
        let canonical = format!(
            r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
            self.x, self.y
        );
        URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
    }

    fn as_json(&self) -> Value {
        json!({ "kty": "EC", "crv": "P-256", "x": self.x, "y": self.y })
    }
}

/// What one proof is for.
#[derive(Debug, Clone, Copy)]
pub struct ProofFor<'a> {
    /// The HTTP method (`htm`).
    pub method: &'a str,
    /// The request URL; its query and fragment are left out of `htu`.
    pub url: &'a str,
    /// The access token sent with a resource request (its hash becomes `ath`).
    pub access_token: Option<&'a str>,
    /// The server's latest nonce, if it gave one.
    pub nonce: Option<&'a str>,
}

/// `htu`: the request URL without query and fragment (RFC 9449 section 4.2).
pub fn htu(url: &str) -> &str {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    &url[..end]
}

/// `ath`: base64url of the SHA-256 of the access token.
pub fn ath(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(access_token.as_bytes()))
}

/// The proof's signing input, `base64url(header).base64url(claims)`: header
/// `typ: dpop+jwt`, `alg: ES256` and the public `jwk`; claims `jti` (random, from
/// the caller), `htm`, `htu`, `iat`, and `ath`/`nonce` when given.
pub fn signing_input(key: &PublicJwk, proof: &ProofFor<'_>, jti: &str, iat_secs: i64) -> String {
    let header = json!({ "typ": "dpop+jwt", "alg": ALG, "jwk": key.as_json() });
    let mut claims = json!({
        "jti": jti,
        "htm": proof.method,
        "htu": htu(proof.url),
        "iat": iat_secs,
    });
    if let Some(token) = proof.access_token {
        claims["ath"] = ath(token).into();
    }
    if let Some(nonce) = proof.nonce {
        claims["nonce"] = nonce.into();
    }
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// The finished proof: the signing input and the signature (`r || s`, 64 bytes, as
/// WebCrypto's ECDSA gives it and JWS wants it).
pub fn proof(signing_input: &str, signature: &[u8]) -> String {
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// True when the provider's discovery document accepts ES256 proofs.
pub fn supported(algs: &[String]) -> bool {
    algs.iter().any(|alg| alg == ALG)
}

/// A nonce as servers may send it (RFC 9449 section 8: `NQCHAR`, here at most 512
/// characters); anything else is ignored rather than echoed back.
pub fn usable_nonce(nonce: &str) -> Option<&str> {
    let ok = !nonce.is_empty()
        && nonce.len() <= 512
        && nonce
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b));
    ok.then_some(nonce)
}

/// The latest nonce of each server (by origin): the token endpoint's and each API's
/// are kept apart (RFC 9449 sections 8 and 9).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Nonces(Vec<(String, String)>);

impl Nonces {
    /// The nonce to send to `url`'s server, if it gave one.
    pub fn for_url(&self, url: &str) -> Option<&str> {
        let origin = origin_of(url);
        self.0
            .iter()
            .find(|(o, _)| o == origin)
            .map(|(_, nonce)| nonce.as_str())
    }

    /// Keeps the nonce `url`'s server sent in `DPoP-Nonce`, if usable.
    pub fn remember(&mut self, url: &str, nonce: &str) {
        let Some(nonce) = usable_nonce(nonce) else {
            return;
        };
        let origin = origin_of(url).to_owned();
        self.0.retain(|(o, _)| *o != origin);
        self.0.push((origin, nonce.to_owned()));
    }
}

/// True when a token endpoint's answer asks for the request again with its nonce:
/// `400` with `error: use_dpop_nonce` (RFC 9449 section 8).
pub fn token_endpoint_wants_nonce(status: u16, body: &str) -> bool {
    status == 400
        && serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
            .is_some_and(|error| error == "use_dpop_nonce")
}

/// True when an API's answer asks for the request again with its nonce: `401` with a
/// `DPoP` challenge whose `error` is `use_dpop_nonce` (RFC 9449 section 9).
pub fn resource_wants_nonce(status: u16, www_authenticate: Option<&str>) -> bool {
    status == 401
        && www_authenticate
            .and_then(|header| {
                crate::authorization::step_up::BearerChallenge::parse_scheme(header, "dpop")
            })
            .is_some_and(|challenge| challenge.error.as_deref() == Some("use_dpop_nonce"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_hidden_by_cors_is_named() {
        assert_eq!(
            hidden_header(false, 400, true, false, false),
            Some("DPoP-Nonce")
        );
        assert_eq!(hidden_header(false, 400, true, true, false), None);
        assert_eq!(
            hidden_header(true, 401, false, false, false),
            Some("WWW-Authenticate")
        );
        assert_eq!(hidden_header(true, 401, false, false, true), None);
        assert_eq!(
            hidden_header(false, 401, false, false, false),
            None,
            "token endpoint"
        );
        assert_eq!(hidden_header(true, 200, false, false, false), None);
    }

    // RFC 7638 has no P-256 example; these coordinates are RFC 9449 section 4.1's.
    const JWK: &str = r#"{"kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","crv":"P-256"}"#;

    fn decode(segment: &str) -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap()
    }

    #[test]
    fn the_thumbprint_is_rfc_7638s() {
        let key = PublicJwk::from_json(JWK).unwrap();
        // Computed independently: SHA-256 of the canonical JSON, base64url.
        let canonical = r#"{"crv":"P-256","kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}"#;
        assert_eq!(
            key.thumbprint(),
            URL_SAFE_NO_PAD.encode(Sha256::digest(canonical))
        );
        assert_eq!(key.thumbprint().len(), 43);
    }

    #[test]
    fn only_a_public_p256_key_is_taken() {
        assert_eq!(
            PublicJwk::from_json(r#"{"kty":"RSA","n":"x","e":"AQAB"}"#),
            Err(DpopError::BadKey)
        );
        let private = JWK.replace(r#""crv":"P-256""#, r#""crv":"P-256","d":"secret""#);
        assert_eq!(
            PublicJwk::from_json(&private),
            Err(DpopError::BadKey),
            "never a private key"
        );
        let short = JWK.replace("l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs", "AAAA");
        assert_eq!(PublicJwk::from_json(&short), Err(DpopError::BadKey));
    }

    #[test]
    fn a_proof_carries_the_claims_rfc_9449_asks_for() {
        let key = PublicJwk::from_json(JWK).unwrap();
        let input = signing_input(
            &key,
            &ProofFor {
                method: "GET",
                url: "https://api.example/notes?page=2#top",
                access_token: Some("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
                nonce: Some("eyJ7S_zG.eyJH0-Z.HX4w-7v"),
            },
            "e1j3V_bKic8-LAEB",
            1_562_262_618,
        );
        let (header, claims) = input.split_once('.').unwrap();
        let header = decode(header);
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["jwk"]["crv"], "P-256");
        assert!(header["jwk"].get("d").is_none());
        let claims = decode(claims);
        assert_eq!(claims["htm"], "GET");
        assert_eq!(
            claims["htu"], "https://api.example/notes",
            "no query or fragment"
        );
        assert_eq!(claims["iat"], 1_562_262_618);
        assert_eq!(claims["jti"], "e1j3V_bKic8-LAEB");
        // RFC 9449 section 7.1's example token and its hash.
        assert_eq!(claims["ath"], "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo");
        assert_eq!(claims["nonce"], "eyJ7S_zG.eyJH0-Z.HX4w-7v");
        let token_request = signing_input(
            &key,
            &ProofFor {
                method: "POST",
                url: "https://id.example/oauth/token",
                access_token: None,
                nonce: None,
            },
            "j",
            1,
        );
        let claims = decode(token_request.split_once('.').unwrap().1);
        assert!(claims.get("ath").is_none() && claims.get("nonce").is_none());
        assert_eq!(proof("a.b", &[0xff; 64]).split('.').count(), 3);
    }

    #[test]
    fn nonces_are_kept_per_server_and_only_when_well_formed() {
        let mut nonces = Nonces::default();
        nonces.remember("https://id.example/oauth/token", "n-1");
        nonces.remember("https://api.example/notes", "api-1");
        assert_eq!(nonces.for_url("https://id.example/userinfo"), Some("n-1"));
        assert_eq!(nonces.for_url("https://api.example/billing"), Some("api-1"));
        nonces.remember("https://id.example/oauth/token", "n-2");
        assert_eq!(
            nonces.for_url("https://id.example/oauth/token"),
            Some("n-2")
        );
        nonces.remember("https://id.example/oauth/token", "bad\"quote");
        assert_eq!(
            nonces.for_url("https://id.example/oauth/token"),
            Some("n-2"),
            "ignored"
        );
        assert_eq!(nonces.for_url("https://other.example/"), None);
        assert_eq!(usable_nonce(&"x".repeat(513)), None);
    }

    #[test]
    fn nonce_challenges_are_recognised() {
        assert!(token_endpoint_wants_nonce(
            400,
            r#"{"error":"use_dpop_nonce","error_description":"x"}"#
        ));
        assert!(!token_endpoint_wants_nonce(
            400,
            r#"{"error":"invalid_grant"}"#
        ));
        assert!(!token_endpoint_wants_nonce(
            401,
            r#"{"error":"use_dpop_nonce"}"#
        ));
        assert!(resource_wants_nonce(
            401,
            Some(
                r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#
            )
        ));
        assert!(
            !resource_wants_nonce(401, Some(r#"Bearer error="use_dpop_nonce""#)),
            "a DPoP challenge only"
        );
        assert!(!resource_wants_nonce(
            401,
            Some(r#"DPoP error="invalid_token""#)
        ));
        assert!(supported(&["RS256".into(), "ES256".into()]));
        assert!(!supported(&["EdDSA".into()]));
    }

    #[test]
    fn a_code_bound_to_a_key_is_redeemed_with_that_key_only() {
        assert_eq!(code_key(Some("jkt"), Some("jkt")), CodeKey::Held);
        assert_eq!(code_key(Some("jkt"), Some("other")), CodeKey::Replaced);
        assert_eq!(code_key(Some("jkt"), None), CodeKey::Replaced);
        assert_eq!(code_key(None, Some("any")), CodeKey::Held);
        assert_eq!(code_key(None, None), CodeKey::New);
    }
}
