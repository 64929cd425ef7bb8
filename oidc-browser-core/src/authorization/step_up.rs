//! Step-up authentication: when an API or the token endpoint says the user must
//! authenticate more strongly, as a typed answer the app can act on. Reads RFC 6750
//! bearer challenges with RFC 9470's `insufficient_user_authentication`, and Auth0's
//! `mfa_required` from the token endpoint; decides what an API answer means.

use crate::authorization::login_options::LoginOptions;
use crate::config::AuthConfig;
use crate::token::token_request::TokenKey;

/// Auth0's (and the OpenID PAPE) `acr` value for multi-factor authentication.
pub const MULTI_FACTOR_ACR: &str = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";

/// What the user must do before the request can succeed: sign in again with these
/// requirements, for this API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepUp {
    /// Authentication context classes to ask for (`acr_values`), if named.
    pub acr_values: Option<String>,
    /// The most seconds since the user last authenticated (`max_age`), if named.
    pub max_age: Option<u64>,
    /// The API the token is for (empty for none).
    pub audience: String,
    /// The scope the token is for.
    pub scope: String,
}

impl StepUp {
    /// The login that answers this step-up, returning to `return_to`'s page with the
    /// rest of `base` (app state, say).
    pub fn login_options(&self, base: LoginOptions) -> LoginOptions {
        LoginOptions {
            acr_values: self.acr_values.clone().or(base.acr_values.clone()),
            max_age: self.max_age.or(base.max_age),
            audience: (!self.audience.is_empty()).then(|| self.audience.clone()),
            scope: (!self.scope.is_empty()).then(|| self.scope.clone()),
            ..base
        }
    }

    /// The step-up an Auth0 `mfa_required` answer asks for: a login with multi-factor
    /// authentication (Auth0's documented step-up); another provider's
    /// `mfa_required` names no class, so the login asks for none.
    pub fn for_mfa_required(config: &AuthConfig, key: &TokenKey) -> Self {
        Self {
            acr_values: config.is_auth0().then(|| MULTI_FACTOR_ACR.to_owned()),
            max_age: None,
            audience: key.audience.clone(),
            scope: key.scope.clone(),
        }
    }
}

/// The parameters of a `Bearer` (or `DPoP`) challenge in a `WWW-Authenticate` header
/// (RFC 6750 section 3, RFC 9449 section 7.1); only the ones this client acts on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BearerChallenge {
    /// `error`, such as `invalid_token` or `insufficient_user_authentication`.
    pub error: Option<String>,
    /// RFC 9470 `acr_values`.
    pub acr_values: Option<String>,
    /// RFC 9470 `max_age`.
    pub max_age: Option<u64>,
}

/// The longest header read: a challenge is a few hundred bytes.
const MAX_HEADER_LEN: usize = 4096;

impl BearerChallenge {
    /// The `Bearer` challenge of a `WWW-Authenticate` value, if it has one. Lenient in
    /// what real servers write (any case for the scheme, spaces around `=`, quoted or
    /// bare values, other schemes before it); a value it cannot read gives `None`
    /// rather than a guess.
    pub fn parse(header: &str) -> Option<Self> {
        Self::parse_scheme(header, "bearer")
    }

    /// The same for the challenge of another scheme (`scheme` in lowercase, such as
    /// `dpop`).
    pub fn parse_scheme(header: &str, scheme: &str) -> Option<Self> {
        if header.len() > MAX_HEADER_LEN {
            return None;
        }
        let start = find_scheme(header, scheme)?;
        let mut rest = &header[start + scheme.len()..];
        let mut challenge = Self::default();
        loop {
            rest = rest.trim_start_matches([' ', '\t', ',']);
            let Some((name, after)) = rest.split_once('=') else {
                break;
            };
            let name = name.trim();
            if name.is_empty() || name.contains([' ', '\t', ',', '"']) {
                // The next challenge's scheme (`DPoP algs=…`): this one is over.
                break;
            }
            let after = after.trim_start();
            let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
                read_quoted(quoted)?
            } else {
                let end = after.find([',', ' ', '\t']).unwrap_or(after.len());
                (after[..end].to_owned(), &after[end..])
            };
            match name.to_ascii_lowercase().as_str() {
                "error" => challenge.error = Some(value),
                "acr_values" => challenge.acr_values = Some(value).filter(|v| !v.is_empty()),
                "max_age" => challenge.max_age = value.parse().ok(),
                _ => {}
            }
            rest = remaining;
        }
        Some(challenge)
    }

    /// True for RFC 9470's "authenticate more strongly".
    pub fn needs_step_up(&self) -> bool {
        self.error.as_deref() == Some("insufficient_user_authentication")
    }
}

/// Where the scheme `name` (lowercase) starts as a word of `header`, case-insensitively.
fn find_scheme(header: &str, name: &str) -> Option<usize> {
    let lower = header.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(name) {
        let at = from + found;
        let before_ok =
            at == 0 || lower.as_bytes()[at - 1] == b' ' || lower.as_bytes()[at - 1] == b',';
        let after = lower.as_bytes().get(at + name.len());
        if before_ok && matches!(after, None | Some(b' ' | b'\t')) {
            return Some(at);
        }
        from = at + name.len();
    }
    None
}

/// A quoted-string's value (backslash escapes undone) and what follows it.
fn read_quoted(text: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &text[i + 1..])),
            '\\' => value.push(chars.next()?.1),
            c => value.push(c),
        }
    }
    None
}

/// What an API's answer to a call with an access token means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiVerdict {
    /// Hand the answer to the caller (any status but 401, or a 401 nothing can fix).
    Done,
    /// A 401 with the first token: renew it once and send the request again.
    RenewAndRetry,
    /// The API wants a stronger authentication (RFC 9470): no renewal helps; the user
    /// must sign in again with these requirements.
    StepUp(StepUp),
    /// A 401 for a token renewed just now: the API does not accept this user's tokens.
    Refused,
}

/// Decides what an API's answer means: `status`, its `WWW-Authenticate` header, the
/// token's key, and whether the request was already a retry with a renewed token.
pub fn after_api_answer(
    status: u16,
    www_authenticate: Option<&str>,
    key: &TokenKey,
    retried: bool,
) -> ApiVerdict {
    if status != 401 && status != 403 {
        return ApiVerdict::Done;
    }
    // A DPoP-bound token's API answers with a `DPoP` challenge (RFC 9449 section 7.1).
    let challenge = www_authenticate.and_then(|header| {
        BearerChallenge::parse(header).or_else(|| BearerChallenge::parse_scheme(header, "dpop"))
    });
    if let Some(challenge) = challenge.filter(BearerChallenge::needs_step_up) {
        return ApiVerdict::StepUp(StepUp {
            acr_values: challenge.acr_values,
            max_age: challenge.max_age,
            audience: key.audience.clone(),
            scope: key.scope.clone(),
        });
    }
    match (status, retried) {
        (401, false) => ApiVerdict::RenewAndRetry,
        (401, true) => ApiVerdict::Refused,
        // A 403 without a step-up challenge is the API's own "no": the caller's to show.
        _ => ApiVerdict::Done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> TokenKey {
        TokenKey {
            audience: "https://billing".into(),
            scope: "openid".into(),
        }
    }

    #[test]
    fn reads_rfc_9470_challenges_as_servers_write_them() {
        let header = r#"Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="myACR urn:mace:incommon:iap:silver""#;
        let challenge = BearerChallenge::parse(header).unwrap();
        assert!(challenge.needs_step_up());
        assert_eq!(
            challenge.acr_values.as_deref(),
            Some("myACR urn:mace:incommon:iap:silver")
        );
        let bare =
            BearerChallenge::parse("bearer error = insufficient_user_authentication,max_age=5")
                .unwrap();
        assert!(bare.needs_step_up());
        assert_eq!(bare.max_age, Some(5));
        let after_dpop = BearerChallenge::parse(
            r#"DPoP algs="ES256", Bearer realm="api", error="invalid_token""#,
        )
        .unwrap();
        assert_eq!(after_dpop.error.as_deref(), Some("invalid_token"));
        let escaped = BearerChallenge::parse(r#"Bearer error="a\"b""#).unwrap();
        assert_eq!(escaped.error.as_deref(), Some("a\"b"));
        assert_eq!(BearerChallenge::parse(r#"Basic realm="x""#), None);
        assert_eq!(BearerChallenge::parse("Bearerish error=x"), None);
        assert_eq!(
            BearerChallenge::parse(r#"Bearer error="unterminated"#),
            None
        );
        assert_eq!(
            BearerChallenge::parse(&"Bearer x=y,".repeat(1000)),
            None,
            "capped"
        );
    }

    #[test]
    fn an_api_answer_decides_renewal_step_up_or_refusal() {
        let step_up = r#"Bearer error="insufficient_user_authentication", acr_values="http://schemas.openid.net/pape/policies/2007/06/multi-factor""#;
        assert_eq!(after_api_answer(200, None, &key(), false), ApiVerdict::Done);
        assert_eq!(after_api_answer(404, None, &key(), false), ApiVerdict::Done);
        assert_eq!(
            after_api_answer(401, None, &key(), false),
            ApiVerdict::RenewAndRetry
        );
        assert_eq!(
            after_api_answer(401, Some(r#"Bearer error="invalid_token""#), &key(), true),
            ApiVerdict::Refused
        );
        assert_eq!(
            after_api_answer(
                403,
                Some(r#"Bearer error="insufficient_scope""#),
                &key(),
                false
            ),
            ApiVerdict::Done
        );
        let ApiVerdict::StepUp(needed) = after_api_answer(401, Some(step_up), &key(), false) else {
            panic!("a step-up");
        };
        assert_eq!(needed.acr_values.as_deref(), Some(MULTI_FACTOR_ACR));
        assert_eq!(needed.audience, "https://billing");
        assert!(matches!(
            after_api_answer(403, Some(step_up), &key(), true),
            ApiVerdict::StepUp(_)
        ));
    }

    #[test]
    fn a_step_up_becomes_the_login_that_answers_it() {
        let needed = StepUp {
            acr_values: Some(MULTI_FACTOR_ACR.into()),
            max_age: Some(0),
            audience: "https://billing".into(),
            scope: "openid read:invoices".into(),
        };
        let options = needed.login_options(LoginOptions {
            app_state: Some(serde_json::json!({"form": "half"})),
            ..LoginOptions::default()
        });
        assert_eq!(options.acr_values.as_deref(), Some(MULTI_FACTOR_ACR));
        assert_eq!(options.max_age, Some(0));
        assert_eq!(options.audience.as_deref(), Some("https://billing"));
        assert_eq!(options.scope.as_deref(), Some("openid read:invoices"));
        assert!(options.app_state.is_some());
        let auth0 =
            AuthConfig::from_json(r#"{"domain":"t.auth0.com","client_id":"c"}"#, "https://a")
                .unwrap();
        assert_eq!(
            StepUp::for_mfa_required(&auth0, &key())
                .acr_values
                .as_deref(),
            Some(MULTI_FACTOR_ACR)
        );
        let generic = AuthConfig::from_json(
            r#"{"issuer":"https://id.example/","client_id":"c"}"#,
            "https://a",
        )
        .unwrap();
        assert_eq!(StepUp::for_mfa_required(&generic, &key()).acr_values, None);
    }
}
