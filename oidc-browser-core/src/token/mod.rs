//! The token request (RFC 6749 section 4.1.3 with RFC 7636 section 4.5) and the token
//! endpoint's answer (RFC 6749 sections 5.1 and 5.2).

pub mod refresh;
pub mod token_request;

use crate::authorization::transaction::Transaction;
use crate::form;
use crate::provider::provider_error::ProviderError;
use crate::secret::{AccessToken, AuthorizationCode, IdToken, RefreshToken};

/// Largest token response read: far above any real one, small enough that a hostile
/// endpoint cannot make the app parse megabytes.
pub const MAX_RESPONSE_BYTES: usize = 256 * 1024;

/// The form-encoded body that redeems `code`, proving possession of the verifier.
pub fn authorization_code_body(transaction: &Transaction, code: &AuthorizationCode) -> String {
    form::encode_pairs([
        ("grant_type", "authorization_code"),
        ("client_id", transaction.client_id.as_str()),
        ("code_verifier", transaction.code_verifier.secret()),
        ("code", code.secret()),
        ("redirect_uri", transaction.redirect_uri.as_str()),
    ])
}

/// The body that revokes a refresh token (RFC 7009 section 2.1; a public client
/// names itself with `client_id`).
pub fn revocation_body(client_id: &str, refresh_token: &RefreshToken) -> String {
    form::encode_pairs([
        ("token", refresh_token.secret()),
        ("token_type_hint", "refresh_token"),
        ("client_id", client_id),
    ])
}

/// A successful token response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenResponse {
    /// For `/userinfo` and the user's APIs.
    pub access_token: AccessToken,
    /// The ID token, still to be validated. Always present after a code exchange
    /// with `openid` ([`TokenResponse::require_id_token`]); optional on refresh.
    pub id_token: Option<IdToken>,
    /// Present only when `offline_access` was granted.
    pub refresh_token: Option<RefreshToken>,
    /// Always `Bearer` (checked).
    pub token_type: String,
    /// Seconds the access token lives.
    pub expires_in: u64,
    /// The granted scope, when it differs from the one asked for.
    pub scope: Option<String>,
}

/// Why the token endpoint's answer cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The provider answered with an OAuth error.
    #[error("{0}")]
    Server(ProviderError),
    /// A failure status without an OAuth error body.
    #[error("the sign-in service answered with HTTP status {0}")]
    Status(u16),
    /// A success status with a body that is not a token response; names the field at
    /// fault, never its value.
    #[error("the sign-in service sent an unreadable token response ({0})")]
    Malformed(&'static str),
    /// No `id_token`, though `openid` was asked for.
    #[error("the sign-in service sent no ID token")]
    MissingIdToken,
    /// A `token_type` other than `Bearer` or `DPoP` (in any case, RFC 6749 section 7.1).
    #[error("the sign-in service sent an unsupported token type")]
    UnsupportedTokenType,
    /// Larger than [`MAX_RESPONSE_BYTES`].
    #[error("the sign-in service sent an oversized token response")]
    TooLarge,
}

impl TokenError {
    /// True for a failure that may pass by itself: a 5xx or 429 status, or the
    /// provider's `server_error` / `temporarily_unavailable`. Worth retrying later.
    pub fn is_passing(&self) -> bool {
        match self {
            Self::Status(status) => *status >= 500 || *status == 429,
            Self::Server(error) => {
                matches!(
                    error.error.as_str(),
                    "server_error" | "temporarily_unavailable"
                )
            }
            _ => false,
        }
    }
}

/// The provider's `error` (a string) and `error_description` (a string or nothing)
/// from an error answer's JSON object; other members are ignored. Read from a JSON
/// value, not with a derived `Deserialize`: it was the last derived type in the wasm,
/// and serde_json's struct machinery went with it (618,033 → 609,667 bytes raw,
/// 211,510 → 208,919 brotli, `cargo xtask build`, `brotli -q 11`).
pub(crate) fn provider_error(body: &str) -> Option<ProviderError> {
    let Ok(serde_json::Value::Object(mut fields)) = serde_json::from_str(body) else {
        return None;
    };
    let Some(serde_json::Value::String(error)) = fields.remove("error") else {
        return None;
    };
    let error_description = match fields.remove("error_description") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(text)) => Some(text),
        Some(_) => return None,
    };
    Some(ProviderError {
        error,
        error_description,
    })
}

/// Lifetime assumed when the provider omits `expires_in` (RFC 6749 makes it optional).
const DEFAULT_EXPIRES_IN: u64 = 3600;

impl TokenResponse {
    /// True for a bearer token; false for a DPoP-bound one (RFC 9449), which is sent
    /// as `Authorization: DPoP` with a proof.
    pub fn is_bearer(&self) -> bool {
        self.token_type == "Bearer"
    }

    /// Parses the token endpoint's answer from its HTTP status and body.
    ///
    /// # Errors
    /// A [`TokenError`]; the provider's own `error` and `error_description` are kept.
    pub fn parse(status: u16, body: &str) -> Result<Self, TokenError> {
        if body.len() > MAX_RESPONSE_BYTES {
            return Err(TokenError::TooLarge);
        }
        if !(200..300).contains(&status) {
            return Err(provider_error(body).map_or(TokenError::Status(status), TokenError::Server));
        }
        let Ok(serde_json::Value::Object(fields)) = serde_json::from_str(body) else {
            return Err(TokenError::Malformed("not a JSON object"));
        };
        // Each field read by hand, so an error names the field and never repeats a
        // value (serde's messages quote what they refuse, a token among them).
        let optional = |name: &'static str| match fields.get(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(v)) if v.is_empty() => Ok(None),
            Some(serde_json::Value::String(v)) => Ok(Some(v.clone())),
            Some(_) => Err(TokenError::Malformed(name)),
        };
        let access_token =
            optional("access_token")?.ok_or(TokenError::Malformed("access_token"))?;
        let token_type = optional("token_type")?.ok_or(TokenError::Malformed("token_type"))?;
        let token_type = if token_type.eq_ignore_ascii_case("bearer") {
            "Bearer"
        } else if token_type.eq_ignore_ascii_case("dpop") {
            "DPoP"
        } else {
            return Err(TokenError::UnsupportedTokenType);
        };
        Ok(Self {
            access_token: AccessToken::new(access_token),
            id_token: optional("id_token")?.map(IdToken::new),
            refresh_token: optional("refresh_token")?.map(RefreshToken::new),
            token_type: token_type.into(),
            expires_in: expires_in(fields.get("expires_in"))?,
            scope: optional("scope")?,
        })
    }
}

/// `expires_in` in seconds: a number, or (as oidc-client-ts and auth0-spa-js
/// accept) a string of digits; absent means [`DEFAULT_EXPIRES_IN`].
fn expires_in(value: Option<&serde_json::Value>) -> Result<u64, TokenError> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(DEFAULT_EXPIRES_IN),
        Some(serde_json::Value::Number(n)) => n.as_u64().ok_or(TokenError::Malformed("expires_in")),
        Some(serde_json::Value::String(s))
            if !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit()) =>
        {
            s.parse().map_err(|_| TokenError::Malformed("expires_in"))
        }
        Some(_) => Err(TokenError::Malformed("expires_in")),
    }
}

impl TokenResponse {
    /// The ID token, which a code exchange with `openid` must return.
    ///
    /// # Errors
    /// [`TokenError::MissingIdToken`] when there is none.
    pub fn require_id_token(&self) -> Result<&IdToken, TokenError> {
        self.id_token.as_ref().ok_or(TokenError::MissingIdToken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::QueryParams;
    use crate::secret::CodeVerifier;

    #[test]
    fn request_body_is_form_encoded() {
        let tx = Transaction {
            code_verifier: CodeVerifier::new("v-._~".into()),
            client_id: "spa dev".into(),
            redirect_uri: "http://127.0.0.1:8080/callback".into(),
            ..crate::authorization::transaction::tests::transaction()
        };
        let body = authorization_code_body(&tx, &AuthorizationCode::new("a/b+c".into()));
        assert_eq!(
            body,
            "grant_type=authorization_code&client_id=spa%20dev&code_verifier=v-._~\
             &code=a%2Fb%2Bc&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcallback"
        );
        let params = QueryParams::parse(&body).unwrap();
        assert_eq!(params.get("code"), Some("a/b+c"));
        assert_eq!(
            params.get("state"),
            None,
            "state is not sent to the token endpoint"
        );
    }

    #[test]
    fn revocation_body_names_the_token_and_the_client() {
        assert_eq!(
            revocation_body("spa-dev", &RefreshToken::new("r/t+1".into())),
            "token=r%2Ft%2B1&token_type_hint=refresh_token&client_id=spa-dev"
        );
    }

    #[test]
    fn parses_a_full_response() {
        let body = r#"{"access_token":"at","id_token":"a.b.c","refresh_token":"rt",
            "token_type":"bearer","expires_in":86400,"scope":"openid profile"}"#;
        let response = TokenResponse::parse(200, body).unwrap();
        assert_eq!(response.access_token.secret(), "at");
        assert_eq!(response.require_id_token().unwrap().secret(), "a.b.c");
        assert_eq!(response.refresh_token.unwrap().secret(), "rt");
        assert_eq!(response.token_type, "Bearer");
        let dpop = body.replace(r#""token_type":"bearer""#, r#""token_type":"dpop""#);
        assert_eq!(TokenResponse::parse(200, &dpop).unwrap().token_type, "DPoP");
        assert!(TokenResponse::parse(200, body).unwrap().is_bearer());
        assert_eq!(response.expires_in, 86400);
        assert_eq!(response.scope.as_deref(), Some("openid profile"));
    }

    #[test]
    fn refresh_token_and_expiry_are_optional() {
        let body = r#"{"access_token":"at","id_token":"a.b.c","token_type":"Bearer"}"#;
        let response = TokenResponse::parse(200, body).unwrap();
        assert_eq!(response.refresh_token, None);
        assert_eq!(response.expires_in, DEFAULT_EXPIRES_IN);
    }

    #[test]
    fn keeps_the_providers_error() {
        let body = r#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#;
        assert_eq!(
            TokenResponse::parse(400, body),
            Err(TokenError::Server(ProviderError {
                error: "invalid_grant".into(),
                error_description: Some("grant request is invalid".into()),
            }))
        );
        assert_eq!(
            TokenResponse::parse(500, "<html>oops</html>"),
            Err(TokenError::Status(500))
        );
        assert_eq!(TokenResponse::parse(401, ""), Err(TokenError::Status(401)));
    }

    #[test]
    fn an_error_answer_of_another_shape_is_only_its_status() {
        let without_description = TokenResponse::parse(400, r#"{"error":"invalid_request","x":1}"#);
        assert_eq!(
            without_description,
            Err(TokenError::Server(ProviderError {
                error: "invalid_request".into(),
                error_description: None,
            }))
        );
        for body in [
            r#"{"error":42}"#,
            r#"{"error_description":"no error"}"#,
            r#"{"error":"invalid_grant","error_description":7}"#,
            r#"["error"]"#,
        ] {
            assert_eq!(
                TokenResponse::parse(400, body),
                Err(TokenError::Status(400)),
                "{body}"
            );
        }
    }

    #[test]
    fn rejects_bad_success_bodies() {
        assert!(matches!(
            TokenResponse::parse(200, "not json"),
            Err(TokenError::Malformed(_))
        ));
        assert!(matches!(
            TokenResponse::parse(200, r#"{"access_token":5,"token_type":"Bearer"}"#),
            Err(TokenError::Malformed(_))
        ));
        assert!(matches!(
            TokenResponse::parse(
                200,
                r#"{"access_token":"","id_token":"x","token_type":"Bearer"}"#
            ),
            Err(TokenError::Malformed(_))
        ));
        let without_id_token =
            TokenResponse::parse(200, r#"{"access_token":"at","token_type":"Bearer"}"#).unwrap();
        assert_eq!(
            without_id_token.require_id_token(),
            Err(TokenError::MissingIdToken)
        );
        assert_eq!(
            TokenResponse::parse(
                200,
                r#"{"access_token":"at","id_token":"x","token_type":"mac"}"#
            ),
            Err(TokenError::UnsupportedTokenType)
        );
        let huge = format!(r#"{{"access_token":"{}"}}"#, "a".repeat(MAX_RESPONSE_BYTES));
        assert_eq!(TokenResponse::parse(200, &huge), Err(TokenError::TooLarge));
    }

    #[test]
    fn lenient_where_the_trusted_clients_are() {
        let parse = |extra: &str| {
            TokenResponse::parse(
                200,
                &format!(r#"{{"access_token":"at","token_type":"BEARER"{extra}}}"#),
            )
        };
        assert_eq!(parse(r#","expires_in":"3600""#).unwrap().expires_in, 3600);
        assert_eq!(parse(r#","expires_in":60"#).unwrap().expires_in, 60);
        assert_eq!(parse("").unwrap().token_type, "Bearer", "any case");
        for bad in [
            r#","expires_in":"soon""#,
            r#","expires_in":"-5""#,
            r#","expires_in":-5"#,
            r#","expires_in":1.5"#,
            r#","expires_in":"""#,
            r#","expires_in":true"#,
        ] {
            assert_eq!(
                parse(bad),
                Err(TokenError::Malformed("expires_in")),
                "{bad}"
            );
        }
        assert_eq!(
            parse(r#","refresh_token":7"#),
            Err(TokenError::Malformed("refresh_token"))
        );
    }

    #[test]
    fn errors_do_not_quote_token_values() {
        for body in [
            r#"{"access_token":"SECRET-AT","id_token":"SECRET-ID","token_type":"Bearer","expires_in":"soon"}"#,
            r#"{"access_token":"SECRET-AT","id_token":["SECRET-ID"],"token_type":"Bearer"}"#,
            r#"{"access_token":"SECRET-AT","token_type":"SECRET-TYPE"}"#,
        ] {
            let error = TokenResponse::parse(200, body).unwrap_err().to_string();
            assert!(!error.contains("SECRET"), "{error}");
        }
    }
}
