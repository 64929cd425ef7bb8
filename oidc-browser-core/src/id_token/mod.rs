//! The ID token: decoding the JWT, the provider's key set, and the claim checks of
//! OpenID Connect Core 1.0 section 3.1.3.7. Signatures are verified by the browser
//! glue (WebCrypto); everything here is pure.

pub mod claims;
pub mod jwks;
pub mod jwt;

/// Why an ID token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdTokenError {
    /// Larger than the bound in `jwt`.
    #[error("the ID token is too large")]
    TooLarge,
    /// Not three dot-separated segments.
    #[error("the ID token is not a JWT")]
    NotAJwt,
    /// A segment is not base64url.
    #[error("the ID token's {0} is not base64url")]
    BadBase64(&'static str),
    /// A segment is not a JSON object.
    #[error("the ID token's {0} is not a JSON object")]
    BadJson(&'static str),
    /// Some other structural fault.
    #[error("the ID token is malformed: {0}")]
    Malformed(&'static str),
    /// No key of the provider's key set fits the token's `kid` and `alg`.
    #[error("the ID token was signed with a key the provider does not publish")]
    UnknownKey,
    /// The token names no key (`kid`) and the provider publishes several for its
    /// algorithm: refused rather than tried one by one (OpenID Connect Core 10.1 asks
    /// for a `kid` when there are several keys).
    #[error("the ID token names no signing key and the provider publishes several")]
    AmbiguousKey,
    /// The signature does not verify with the provider's key.
    #[error("the ID token's signature is invalid")]
    BadSignature,
    /// `none`, HMAC or another algorithm; named when it is a registered JOSE one,
    /// else "an unknown one" (the header's text is never repeated).
    #[error("the ID token uses the algorithm `{0}`, which is not accepted")]
    UnsupportedAlg(&'static str),
    /// `at_hash` does not match the access token that came with the ID token
    /// (OpenID Connect Core 3.1.3.8): the two were not issued together.
    #[error("the sign-in's access token does not belong to its ID token (at_hash)")]
    AccessTokenHashMismatch,
    /// The header lists critical extensions (`crit`, RFC 7515 section 4.1.11), none
    /// of which this client understands: the token must be refused.
    #[error("the ID token requires extensions this app does not understand (crit)")]
    CriticalHeader,
    /// A login asked for `acr_values` (a step-up) and the token's `acr` is none of them.
    #[error("the sign-in did not reach the authentication level that was asked for (acr)")]
    AcrNotSatisfied,
    /// A required claim is absent.
    #[error("the ID token has no `{0}` claim")]
    MissingClaim(&'static str),
    /// A claim has the wrong JSON type.
    #[error("the ID token's `{0}` claim has the wrong type")]
    WrongType(&'static str),
    /// `iss` is not the configured issuer (step 2). Neither value is quoted: the
    /// message must not repeat what a provider sent.
    #[error("the ID token was issued by another provider than the configured one")]
    WrongIssuer,
    /// `aud` does not contain this client (step 3).
    #[error("the ID token is not meant for this app (audience)")]
    WrongAudience,
    /// Several audiences and no `azp`, or an `azp` other than this client (steps 4, 5).
    #[error("the ID token's authorized party (azp) is not this app")]
    WrongAuthorizedParty,
    /// `exp` is past (step 9).
    #[error("the ID token has expired")]
    Expired,
    /// `iat` is in the future (step 10).
    #[error("the ID token was issued in the future; check the device clock")]
    IssuedInFuture,
    /// `nonce` differs from the one sent (step 11).
    #[error("the ID token does not belong to this sign-in (nonce)")]
    NonceMismatch,
    /// `auth_time` older than `max_age` allows (step 13).
    #[error("the sign-in is older than the requested max_age")]
    AuthTooOld,
    /// `org_id`/`org_name` does not match the organization asked for.
    #[error("the ID token is for another organization")]
    WrongOrganization,
}
