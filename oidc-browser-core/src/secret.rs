//! Newtypes for the values an attacker must never see: the PKCE `code_verifier`, the
//! `state` and `nonce` of a transaction, and the tokens.
//!
//! Each prints `Name([redacted])` under `Debug`, so a stray `{:?}` in a log or a panic
//! message cannot leak it. Read the value only with `secret()` where the protocol
//! needs it (a request body, a comparison).

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value received from the provider or read back from storage.
            pub fn new(value: String) -> Self {
                Self(value)
            }

            /// The secret itself.
            ///
            /// # Security
            /// Never log or display it, and never put it in a URL other than the one
            /// the protocol prescribes.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_type!(
    /// The PKCE `code_verifier` (RFC 7636 section 4.1): proves to the token endpoint
    /// that the code is redeemed by the client that asked for it.
    CodeVerifier
);
secret_type!(
    /// The `state` parameter (RFC 6749 section 10.12): binds the callback to the
    /// browser session that started the login, against CSRF.
    State
);
secret_type!(
    /// The OpenID Connect `nonce`: binds the ID token to this login, against replay.
    Nonce
);
secret_type!(
    /// An OAuth 2.0 access token, for the provider's `/userinfo` and the user's APIs.
    AccessToken
);
secret_type!(
    /// The raw, compact-serialized ID token (kept for `id_token_hint` at logout).
    IdToken
);
secret_type!(
    /// An OAuth 2.0 refresh token (only issued when `offline_access` is asked for).
    RefreshToken
);
secret_type!(
    /// The authorization `code` from the callback: single use, short lived.
    AuthorizationCode
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_is_redacted() {
        let verifier = CodeVerifier::new("top-secret-verifier".into());
        let token = AccessToken::new("eyJ.secret.token".into());
        assert_eq!(format!("{verifier:?}"), "CodeVerifier([redacted])");
        assert_eq!(format!("{token:?}"), "AccessToken([redacted])");
        let nested = format!("{:?}", Some((State::new("s3cr3t".into()), token)));
        assert!(
            !nested.contains("s3cr3t") && !nested.contains("eyJ"),
            "{nested}"
        );
    }

    #[test]
    fn secret_returns_the_value() {
        assert_eq!(Nonce::new("n".into()).secret(), "n");
    }
}
