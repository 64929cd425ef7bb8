//! Pushed authorization requests (RFC 9126): the login's parameters go to the
//! provider in a `POST` from the client, and the browser goes to the authorization
//! endpoint with only `client_id` and the `request_uri` the provider gave back, so
//! nothing of the request can be read or changed in the address bar, and long
//! parameter lists no longer meet URL limits.
//!
//! The rules here: whether a login pushes ([`endpoint_for`]), how the provider's
//! answer is read ([`PushedRequest::parse`]), and where the browser goes then
//! ([`AuthorizeRequest::by_reference`]). What is pushed is the login's own
//! [`AuthorizeRequest::parameters`], the very ones its address would carry (RFC 9126
//! section 2.1), so the two ways of sending a login can never differ.

use crate::authorization::authorize::AuthorizeRequest;
use crate::config::{AuthConfig, PushMode};
use crate::form;
use crate::provider::discovery::ProviderMetadata;
use crate::provider::provider_error::ProviderError;

/// Why a pushed login could not start. Each is shown before the browser leaves, and
/// nothing of the login is kept.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    /// The provider says `require_pushed_authorization_requests`, and the
    /// configuration turned pushing off.
    #[error("the sign-in service requires pushed sign-in requests, which this app turns off")]
    Required,
    /// Pushing is needed (the configuration says `always`, or the provider requires
    /// it), and the provider lists no usable endpoint.
    #[error(
        "sign-in needs pushed sign-in requests here, which the sign-in service does not offer"
    )]
    Unavailable,
    /// The configuration asks for pushing, and the provider's discovery document could
    /// not be loaded to say where.
    #[error("the sign-in service's settings could not be loaded; please try again")]
    NoDiscovery,
    /// The provider refused the pushed request.
    #[error("the sign-in service refused the sign-in request: {0}")]
    Refused(ProviderError),
    /// The endpoint failed without saying why (a server error, too many requests).
    #[error("the sign-in service failed (HTTP {0}); please try again")]
    Status(u16),
    /// The provider's answer was not a pushed request's answer.
    #[error("the sign-in service's answer was not understood")]
    BadAnswer,
}

impl PushError {
    /// True for a failure that may pass by itself (a server error, too many requests).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Status(status) => *status >= 500 || *status == 429,
            Self::NoDiscovery => true,
            Self::Refused(error) => matches!(
                error.error.as_str(),
                "server_error" | "temporarily_unavailable"
            ),
            _ => false,
        }
    }
}

/// Where a login pushes its parameters: the provider's endpoint, or `None` for a
/// login by the address bar as without pushing.
///
/// # Errors
/// [`PushError::Required`] and [`PushError::Unavailable`] for a configuration the
/// provider cannot meet.
pub fn pushed_endpoint(
    mode: PushMode,
    endpoint: Option<&str>,
    required: bool,
) -> Result<Option<&str>, PushError> {
    match (mode, endpoint) {
        (PushMode::Never, _) if required => Err(PushError::Required),
        (PushMode::Never, _) => Ok(None),
        (PushMode::Always, None) => Err(PushError::Unavailable),
        (_, None) if required => Err(PushError::Unavailable),
        (_, endpoint) => Ok(endpoint),
    }
}

/// [`pushed_endpoint`] for `config` at the provider of `metadata`.
///
/// # Errors
/// As [`pushed_endpoint`].
pub fn endpoint_for<'a>(
    config: &AuthConfig,
    metadata: &'a ProviderMetadata,
) -> Result<Option<&'a str>, PushError> {
    if config.pushed_authorization_requests == PushMode::Always && !metadata.discovered {
        return Err(PushError::NoDiscovery);
    }
    pushed_endpoint(
        config.pushed_authorization_requests,
        metadata.pushed_authorization_request_endpoint.as_deref(),
        metadata.require_pushed_authorization_requests,
    )
}

/// Whether a login whose push failed leaves by the address instead, as without
/// pushing: only in [`PushMode::Auto`] at a provider that does not require pushing,
/// and only when the failure says nothing against the request itself. `failure` is
/// `None` when no answer came (offline, a timeout, CORS refusing the page): a
/// provider whose endpoint a browser cannot reach, a server error, an answer that is
/// not a pushed request's, or a refused client (a provider that takes pushes from
/// confidential clients only) fall back. A refusal of the request's content
/// (`invalid_request`, `invalid_scope`, …) would meet the same refusal by the address,
/// and is shown before the browser leaves.
pub fn leaves_by_address_after(
    mode: PushMode,
    required: bool,
    failure: Option<&PushError>,
) -> bool {
    if mode != PushMode::Auto || required {
        return false;
    }
    match failure {
        None | Some(PushError::Status(_) | PushError::BadAnswer) => true,
        Some(PushError::Refused(error)) => matches!(
            error.error.as_str(),
            "invalid_client" | "unauthorized_client" | "server_error" | "temporarily_unavailable"
        ),
        Some(_) => false,
    }
}

/// The provider's answer to a pushed request (RFC 9126 section 2.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushedRequest {
    /// The reference the authorization endpoint takes instead of the parameters.
    pub request_uri: String,
    /// Seconds the reference stays valid.
    pub expires_in: u64,
}

/// The longest `request_uri` taken: the provider's reference is short; anything near
/// this would only lengthen the address bar it exists to shorten.
pub const MAX_REQUEST_URI_CHARS: usize = 512;

impl PushedRequest {
    /// Reads the provider's answer: `201 Created` (RFC 9126), or `200` as some servers
    /// send, with a JSON object holding a non-empty `request_uri` and a positive
    /// `expires_in`; an error answer (`400`, `401`) becomes [`PushError::Refused`].
    ///
    /// # Errors
    /// [`PushError::Refused`] or [`PushError::BadAnswer`].
    pub fn parse(status: u16, body: &str) -> Result<Self, PushError> {
        if !matches!(status, 200 | 201) {
            return Err(match crate::token::provider_error(body) {
                Some(error) => PushError::Refused(error),
                None if status >= 500 || status == 429 => PushError::Status(status),
                None => PushError::BadAnswer,
            });
        }
        let Ok(serde_json::Value::Object(fields)) = serde_json::from_str(body) else {
            return Err(PushError::BadAnswer);
        };
        let request_uri = match fields.get("request_uri") {
            Some(serde_json::Value::String(uri))
                if !uri.is_empty()
                    && uri.len() <= MAX_REQUEST_URI_CHARS
                    && !uri.chars().any(|c| c.is_control() || c == ' ') =>
            {
                uri.clone()
            }
            _ => return Err(PushError::BadAnswer),
        };
        let expires_in = match fields.get("expires_in").and_then(serde_json::Value::as_u64) {
            Some(seconds) if seconds > 0 => seconds,
            _ => return Err(PushError::BadAnswer),
        };
        Ok(Self {
            request_uri,
            expires_in,
        })
    }
}

impl AuthorizeRequest {
    /// Sends this login by its pushed reference: the browser goes to the provider's
    /// `authorization_endpoint` with `client_id` and the reference only (RFC 9126
    /// section 4). The transaction is unchanged: the callback checks the same `state`.
    pub fn by_reference(&mut self, authorization_endpoint: &str, pushed: &PushedRequest) {
        self.url = authorize_url_for(
            authorization_endpoint,
            &self.transaction.client_id,
            &pushed.request_uri,
        );
    }
}

/// The authorization URL of a pushed login: `client_id` and `request_uri` only.
pub fn authorize_url_for(
    authorization_endpoint: &str,
    client_id: &str,
    request_uri: &str,
) -> String {
    let separator = if authorization_endpoint.contains('?') {
        '&'
    } else {
        '?'
    };
    format!(
        "{authorization_endpoint}{separator}{}",
        form::encode_pairs([("client_id", client_id), ("request_uri", request_uri)])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAR: &str = "https://id.example/par";

    #[test]
    fn auto_pushes_where_the_provider_offers_it_and_never_where_it_does_not() {
        assert_eq!(
            pushed_endpoint(PushMode::Auto, Some(PAR), false),
            Ok(Some(PAR))
        );
        assert_eq!(pushed_endpoint(PushMode::Auto, None, false), Ok(None));
        assert_eq!(
            pushed_endpoint(PushMode::Always, Some(PAR), false),
            Ok(Some(PAR))
        );
        assert_eq!(pushed_endpoint(PushMode::Never, Some(PAR), false), Ok(None));
    }

    #[test]
    fn a_configuration_the_provider_cannot_meet_is_an_error_before_the_browser_leaves() {
        assert_eq!(
            pushed_endpoint(PushMode::Never, Some(PAR), true),
            Err(PushError::Required)
        );
        assert_eq!(
            pushed_endpoint(PushMode::Always, None, false),
            Err(PushError::Unavailable)
        );
        assert_eq!(
            pushed_endpoint(PushMode::Auto, None, true),
            Err(PushError::Unavailable)
        );
        assert_eq!(
            pushed_endpoint(PushMode::Auto, Some(PAR), true),
            Ok(Some(PAR))
        );
    }

    #[test]
    fn a_created_answer_with_a_reference_and_a_lifetime_is_read() {
        let body = r#"{"request_uri":"urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c","expires_in":60}"#;
        for status in [200, 201] {
            assert_eq!(
                PushedRequest::parse(status, body),
                Ok(PushedRequest {
                    request_uri: "urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c"
                        .into(),
                    expires_in: 60,
                })
            );
        }
    }

    #[test]
    fn an_answer_without_a_usable_reference_or_lifetime_is_refused() {
        for body in [
            r#"{"expires_in":60}"#,
            r#"{"request_uri":"","expires_in":60}"#,
            r#"{"request_uri":"urn:x y","expires_in":60}"#,
            r#"{"request_uri":"urn:x","expires_in":0}"#,
            r#"{"request_uri":"urn:x","expires_in":"60"}"#,
            r#"{"request_uri":"urn:x"}"#,
            r#"["urn:x"]"#,
            "not json",
        ] {
            assert_eq!(
                PushedRequest::parse(201, body),
                Err(PushError::BadAnswer),
                "{body}"
            );
        }
        let long = format!(
            r#"{{"request_uri":"urn:{}","expires_in":60}}"#,
            "a".repeat(MAX_REQUEST_URI_CHARS)
        );
        assert_eq!(PushedRequest::parse(201, &long), Err(PushError::BadAnswer));
    }

    #[test]
    fn an_error_answer_is_the_providers_refusal_in_words() {
        let refused = PushedRequest::parse(
            400,
            r#"{"error":"invalid_request","error_description":"bad scope"}"#,
        );
        let Err(PushError::Refused(error)) = refused else {
            panic!("{refused:?}");
        };
        assert_eq!(error.error, "invalid_request");
        assert!(!PushError::Refused(error).is_transient());
    }

    #[test]
    fn a_server_failure_may_pass_and_anything_else_unreadable_is_a_bad_answer() {
        for status in [500, 503, 429] {
            let failed = PushedRequest::parse(status, "<html>");
            assert_eq!(failed, Err(PushError::Status(status)));
            assert!(failed.unwrap_err().is_transient(), "{status}");
        }
        let busy = PushedRequest::parse(400, r#"{"error":"temporarily_unavailable"}"#);
        assert!(busy.unwrap_err().is_transient());
        for status in [302, 404, 400] {
            let failed = PushedRequest::parse(status, "<html>");
            assert_eq!(failed, Err(PushError::BadAnswer), "{status}");
            assert!(!failed.unwrap_err().is_transient());
        }
    }

    #[test]
    fn only_auto_at_a_provider_that_does_not_require_it_falls_back_and_never_for_a_refused_request()
    {
        let refused = |code: &str| {
            PushError::Refused(ProviderError {
                error: code.into(),
                error_description: None,
            })
        };
        let falls_back = [
            None,
            Some(PushError::Status(503)),
            Some(PushError::BadAnswer),
            Some(refused("invalid_client")),
            Some(refused("unauthorized_client")),
            Some(refused("temporarily_unavailable")),
        ];
        for failure in &falls_back {
            assert!(
                leaves_by_address_after(PushMode::Auto, false, failure.as_ref()),
                "{failure:?}"
            );
            assert!(!leaves_by_address_after(
                PushMode::Auto,
                true,
                failure.as_ref()
            ));
            assert!(!leaves_by_address_after(
                PushMode::Always,
                false,
                failure.as_ref()
            ));
        }
        for failure in [
            refused("invalid_request"),
            refused("invalid_scope"),
            refused("access_denied"),
            PushError::Required,
            PushError::Unavailable,
        ] {
            assert!(
                !leaves_by_address_after(PushMode::Auto, false, Some(&failure)),
                "{failure:?}"
            );
        }
    }

    #[test]
    fn always_without_a_discovery_document_is_a_passing_failure() {
        let config = AuthConfig::from_json(
            r#"{"domain":"t.auth0.com","client_id":"spa","pushed_authorization_requests":"always"}"#,
            "https://app.example",
        )
        .unwrap();
        let fallback = ProviderMetadata::auth0_paths(&config);
        let failed = endpoint_for(&config, &fallback);
        assert_eq!(failed, Err(PushError::NoDiscovery));
        assert!(failed.unwrap_err().is_transient());
        let mut discovered = fallback.clone();
        discovered.discovered = true;
        assert_eq!(
            endpoint_for(&config, &discovered),
            Err(PushError::Unavailable)
        );
    }

    #[test]
    fn the_configuration_and_the_providers_metadata_decide_together() {
        let config = |mode: &str| {
            AuthConfig::from_json(
                &format!(
                    r#"{{"issuer":"https://id.example/","client_id":"spa",
                        "pushed_authorization_requests":"{mode}"}}"#
                ),
                "https://app.example",
            )
            .unwrap()
        };
        let mut metadata = ProviderMetadata::auth0_paths(&config("auto"));
        metadata.discovered = true;
        assert_eq!(endpoint_for(&config("auto"), &metadata), Ok(None));
        assert_eq!(
            endpoint_for(&config("always"), &metadata),
            Err(PushError::Unavailable)
        );
        metadata.pushed_authorization_request_endpoint = Some(PAR.into());
        assert_eq!(endpoint_for(&config("auto"), &metadata), Ok(Some(PAR)));
        assert_eq!(endpoint_for(&config("never"), &metadata), Ok(None));
        metadata.require_pushed_authorization_requests = true;
        assert_eq!(
            endpoint_for(&config("never"), &metadata),
            Err(PushError::Required)
        );
    }

    #[test]
    fn a_login_sent_by_reference_keeps_its_transaction_and_shows_nothing_else() {
        use crate::authorization::authorize::{begin_login, AnsweredIn, LoginRandomness};
        use crate::authorization::login_options::LoginOptions;
        let config = AuthConfig::from_json(
            r#"{"issuer":"https://id.example/","client_id":"spa","audience":"https://api.example"}"#,
            "https://app.example",
        )
        .unwrap();
        let metadata = ProviderMetadata::auth0_paths(&config);
        let randomness = LoginRandomness {
            verifier: [1; 32],
            state: [2; 32],
            nonce: [3; 32],
        };
        let mut request = begin_login(
            &config,
            &metadata,
            LoginOptions::default(),
            AnsweredIn::Page,
            &randomness,
            1,
        )
        .unwrap();
        let (state, pushed) = (
            request.transaction.state.secret().to_owned(),
            request.parameters.clone(),
        );
        request.by_reference(
            &metadata.authorization_endpoint,
            &PushedRequest {
                request_uri: "urn:ietf:params:oauth:request_uri:abc".into(),
                expires_in: 60,
            },
        );
        assert_eq!(
            request.url,
            "https://id.example/authorize?client_id=spa&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc"
        );
        assert_eq!(request.transaction.state.secret(), state);
        assert_eq!(request.parameters, pushed, "what was pushed is still known");
        assert!(pushed.contains("resource=https%3A%2F%2Fapi.example"));
    }

    #[test]
    fn the_pushed_logins_address_holds_the_client_and_the_reference_only() {
        assert_eq!(
            authorize_url_for("https://id.example/authorize", "spa", "urn:ietf:params:oauth:request_uri:x"),
            "https://id.example/authorize?client_id=spa&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Ax"
        );
        assert_eq!(
            authorize_url_for("https://id.example/authorize?tenant=a", "spa", "urn:x"),
            "https://id.example/authorize?tenant=a&client_id=spa&request_uri=urn%3Ax"
        );
    }
}
