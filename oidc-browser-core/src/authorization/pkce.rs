//! PKCE (RFC 7636) with the `S256` method only: `plain` would hand the verifier to
//! anyone who can read the authorize URL, so it is not offered at all.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::secret::{CodeVerifier, Nonce, State};

/// The only `code_challenge_method` this client sends.
pub const CODE_CHALLENGE_METHOD: &str = "S256";

/// Bytes of randomness behind every verifier, state and nonce: 256 bits, which
/// base64url-encode to the 43 characters RFC 7636 section 4.1 asks for at minimum.
pub const RANDOM_BYTES: usize = 32;

/// Encodes bytes as base64url without padding (RFC 7636 Appendix A).
pub fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

impl CodeVerifier {
    /// A verifier from 32 bytes of a cryptographically secure random source.
    pub fn from_random(bytes: &[u8; RANDOM_BYTES]) -> Self {
        Self::new(base64url(bytes))
    }

    /// `BASE64URL(SHA-256(ASCII(code_verifier)))`, the `S256` challenge.
    pub fn code_challenge(&self) -> CodeChallenge {
        CodeChallenge(base64url(&Sha256::digest(self.secret().as_bytes())))
    }
}

impl State {
    /// A `state` from 32 random bytes.
    pub fn from_random(bytes: &[u8; RANDOM_BYTES]) -> Self {
        Self::new(base64url(bytes))
    }
}

impl Nonce {
    /// A `nonce` from 32 random bytes.
    pub fn from_random(bytes: &[u8; RANDOM_BYTES]) -> Self {
        Self::new(base64url(bytes))
    }
}

/// The `code_challenge` sent in the authorize URL. Public by design, so not redacted;
/// it can only be made from a verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChallenge(String);

impl CodeChallenge {
    /// The challenge as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        let verifier = CodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        assert_eq!(
            verifier.code_challenge().as_str(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn rfc7636_appendix_b_octets_give_the_verifier() {
        let octets: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        assert_eq!(
            CodeVerifier::from_random(&octets).secret(),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
    }

    #[test]
    fn verifier_is_43_unreserved_characters() {
        let verifier = CodeVerifier::from_random(&[0xff; 32]);
        assert_eq!(verifier.secret().len(), 43);
        assert!(verifier
            .secret()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }

    #[test]
    fn different_randomness_gives_different_values() {
        assert_ne!(State::from_random(&[1; 32]), State::from_random(&[2; 32]));
        assert_ne!(Nonce::from_random(&[1; 32]).secret(), "");
    }
}
