//! Provider metadata: from OpenID Connect Discovery (`/.well-known/openid-configuration`),
//! or, for an Auth0 `domain` whose discovery fails, Auth0's documented paths.

use serde_json::{Map, Value};

use crate::browser_error::BrowserError;
use crate::config::{check_provider_url, AuthConfig};
use crate::id_token::jwks::JwksError;

/// Why a discovery document cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscoveryError {
    /// Not a JSON object.
    #[error("the provider's discovery document is not JSON")]
    NotJson,
    /// A required field is absent or not a string.
    #[error("the provider's discovery document has no usable `{0}`")]
    Missing(&'static str),
    /// Its `issuer` is not the configured one (OpenID Connect Discovery 4.3): the
    /// document may belong to another provider.
    #[error("the provider's discovery document names another issuer")]
    IssuerMismatch,
    /// An endpoint URL is not https (or loopback http).
    #[error("the provider's `{0}` is not a valid https URL")]
    InsecureUrl(&'static str),
}

/// Why the provider's metadata or keys are unavailable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    /// The request failed.
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// Discovery or the key set answered with an error status.
    #[error("the provider's metadata could not be loaded (HTTP {0})")]
    Status(u16),
    /// The discovery document is unusable.
    #[error(transparent)]
    Discovery(#[from] DiscoveryError),
    /// The provider offers no `userinfo_endpoint`.
    #[error("the provider has no userinfo endpoint")]
    NoUserinfo,
    /// The key set is unusable.
    #[error(transparent)]
    Jwks(#[from] JwksError),
}

/// What the client needs to know of the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderMetadata {
    /// `authorization_endpoint`.
    pub authorization_endpoint: String,
    /// `token_endpoint`.
    pub token_endpoint: String,
    /// `userinfo_endpoint`, when offered.
    pub userinfo_endpoint: Option<String>,
    /// `jwks_uri`: the keys that sign ID tokens.
    pub jwks_uri: String,
    /// `end_session_endpoint` (RP-initiated logout), when offered.
    pub end_session_endpoint: Option<String>,
    /// `revocation_endpoint` (RFC 7009), when offered: a refresh token is revoked
    /// there at sign-out.
    pub revocation_endpoint: Option<String>,
    /// RFC 9207: the provider always sends `iss` in authorization responses.
    pub iss_parameter_supported: bool,
    /// RFC 9449: the DPoP proof algorithms the provider accepts (empty: no DPoP).
    pub dpop_signing_alg_values_supported: Vec<String>,
    /// RFC 9126: `pushed_authorization_request_endpoint`, when offered.
    pub pushed_authorization_request_endpoint: Option<String>,
    /// RFC 9126: the provider takes no login that was not pushed first.
    pub require_pushed_authorization_requests: bool,
    /// Read from the provider's discovery document; `false` for Auth0's documented
    /// paths, which say nothing of what the tenant offers beyond them.
    pub discovered: bool,
}

/// The discovery document's URL for `issuer`.
pub fn discovery_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

impl ProviderMetadata {
    /// Parses a discovery document for the configured issuer. Endpoints set in
    /// `config.json` win over discovered ones.
    ///
    /// # Errors
    /// A [`DiscoveryError`]; the `issuer` must match exactly.
    pub fn from_discovery(text: &str, config: &AuthConfig) -> Result<Self, DiscoveryError> {
        let Ok(Value::Object(doc)) = serde_json::from_str::<Value>(text) else {
            return Err(DiscoveryError::NotJson);
        };
        if string(&doc, "issuer") != Some(config.issuer.as_str()) {
            return Err(DiscoveryError::IssuerMismatch);
        }
        let url = |field: &'static str| -> Result<Option<String>, DiscoveryError> {
            match string(&doc, field) {
                None => Ok(None),
                Some(url) => check_provider_url(field, url)
                    .map(|()| Some(url.to_owned()))
                    .map_err(|_| DiscoveryError::InsecureUrl(field)),
            }
        };
        let required = |field| url(field)?.ok_or(DiscoveryError::Missing(field));
        let overrides = &config.endpoint_overrides;
        Ok(Self {
            authorization_endpoint: match &overrides.authorization {
                Some(url) => url.clone(),
                None => required("authorization_endpoint")?,
            },
            token_endpoint: match &overrides.token {
                Some(url) => url.clone(),
                None => required("token_endpoint")?,
            },
            userinfo_endpoint: match &overrides.userinfo {
                Some(url) => Some(url.clone()),
                None => url("userinfo_endpoint")?,
            },
            jwks_uri: match &overrides.jwks_uri {
                Some(url) => url.clone(),
                None => required("jwks_uri")?,
            },
            end_session_endpoint: url("end_session_endpoint")?,
            revocation_endpoint: url("revocation_endpoint")?,
            iss_parameter_supported: doc
                .get("authorization_response_iss_parameter_supported")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            dpop_signing_alg_values_supported: doc
                .get("dpop_signing_alg_values_supported")
                .and_then(Value::as_array)
                .map(|algs| {
                    algs.iter()
                        .filter_map(Value::as_str)
                        .take(16)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            // An unusable one is left out, as by a client that never pushes: in `auto`
            // the login leaves by the address, `always` says the provider offers none.
            pushed_authorization_request_endpoint: url("pushed_authorization_request_endpoint")
                .ok()
                .flatten(),
            require_pushed_authorization_requests: doc
                .get("require_pushed_authorization_requests")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            discovered: true,
        })
    }

    /// Auth0's documented endpoints under the issuer, used before discovery answers
    /// and when it fails for an Auth0 `domain`.
    pub fn auth0_paths(config: &AuthConfig) -> Self {
        let base = config.issuer.trim_end_matches('/');
        let overrides = &config.endpoint_overrides;
        let or = |set: &Option<String>, path: &str| {
            set.clone().unwrap_or_else(|| format!("{base}{path}"))
        };
        Self {
            authorization_endpoint: or(&overrides.authorization, "/authorize"),
            token_endpoint: or(&overrides.token, "/oauth/token"),
            userinfo_endpoint: Some(or(&overrides.userinfo, "/userinfo")),
            jwks_uri: or(&overrides.jwks_uri, "/.well-known/jwks.json"),
            end_session_endpoint: None,
            revocation_endpoint: Some(format!("{base}/oauth/revoke")),
            iss_parameter_supported: false,
            // Known only from discovery: DPoP waits for it.
            dpop_signing_alg_values_supported: Vec::new(),
            // Auth0 offers pushing only to some tenants, and says so in discovery: a
            // login that must push waits for it (`provider::metadata_for_login`).
            pushed_authorization_request_endpoint: None,
            require_pushed_authorization_requests: false,
            discovered: false,
        }
    }
}

fn string<'a>(doc: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    doc.get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(json: &str) -> AuthConfig {
        AuthConfig::from_json(json, "https://app.example").unwrap()
    }

    const DOC: &str = r#"{
        "issuer": "https://id.example/",
        "authorization_endpoint": "https://id.example/auth",
        "token_endpoint": "https://id.example/token",
        "userinfo_endpoint": "https://id.example/me",
        "jwks_uri": "https://id.example/keys",
        "end_session_endpoint": "https://id.example/logout",
        "revocation_endpoint": "https://id.example/revoke",
        "authorization_response_iss_parameter_supported": true,
        "dpop_signing_alg_values_supported": ["ES256", "EdDSA"]
    }"#;

    #[test]
    fn reads_the_endpoints() {
        let config = config(r#"{"issuer":"https://id.example/","client_id":"c"}"#);
        let meta = ProviderMetadata::from_discovery(DOC, &config).unwrap();
        assert_eq!(meta.authorization_endpoint, "https://id.example/auth");
        assert_eq!(meta.token_endpoint, "https://id.example/token");
        assert_eq!(
            meta.userinfo_endpoint.as_deref(),
            Some("https://id.example/me")
        );
        assert_eq!(meta.jwks_uri, "https://id.example/keys");
        assert_eq!(
            meta.end_session_endpoint.as_deref(),
            Some("https://id.example/logout")
        );
        assert_eq!(
            meta.revocation_endpoint.as_deref(),
            Some("https://id.example/revoke")
        );
        assert!(meta.iss_parameter_supported);
        assert_eq!(meta.dpop_signing_alg_values_supported, ["ES256", "EdDSA"]);
    }

    #[test]
    fn reads_the_pushed_request_endpoint_and_whether_it_is_required() {
        let config = config(r#"{"issuer":"https://id.example/","client_id":"c"}"#);
        let meta = ProviderMetadata::from_discovery(DOC, &config).unwrap();
        assert_eq!(meta.pushed_authorization_request_endpoint, None);
        assert!(!meta.require_pushed_authorization_requests);

        let pushing = DOC.replace(
            r#""issuer""#,
            r#""pushed_authorization_request_endpoint": "https://id.example/par",
               "require_pushed_authorization_requests": true,
               "issuer""#,
        );
        let meta = ProviderMetadata::from_discovery(&pushing, &config).unwrap();
        assert_eq!(
            meta.pushed_authorization_request_endpoint.as_deref(),
            Some("https://id.example/par")
        );
        assert!(meta.require_pushed_authorization_requests);

        assert!(meta.discovered);
        assert!(!ProviderMetadata::auth0_paths(&config).discovered);

        // An endpoint no login may post to is left out, not the whole document.
        for unusable in ["http://id.example/par", "https://id.example^/par", "par"] {
            let odd = pushing.replace("https://id.example/par", unusable);
            let meta = ProviderMetadata::from_discovery(&odd, &config).unwrap();
            assert_eq!(
                meta.pushed_authorization_request_endpoint, None,
                "{unusable}"
            );
            assert_eq!(meta.token_endpoint, "https://id.example/token");
        }
    }

    #[test]
    fn configured_endpoints_win() {
        let config = config(
            r#"{"issuer":"https://id.example/","client_id":"c","token_endpoint":"https://proxy.example/token"}"#,
        );
        let meta = ProviderMetadata::from_discovery(DOC, &config).unwrap();
        assert_eq!(meta.token_endpoint, "https://proxy.example/token");
        assert_eq!(meta.jwks_uri, "https://id.example/keys");

        let keys_elsewhere =
            r#"{"domain":"t.auth0.com","client_id":"c","jwks_uri":"https://proxy.example/keys"}"#;
        let config = self::config(keys_elsewhere);
        let doc = DOC.replace("https://id.example/", "https://t.auth0.com/");
        let meta = ProviderMetadata::from_discovery(&doc, &config).unwrap();
        assert_eq!(meta.jwks_uri, "https://proxy.example/keys");
        let before_discovery = ProviderMetadata::auth0_paths(&config);
        assert_eq!(before_discovery.jwks_uri, "https://proxy.example/keys");
    }

    #[test]
    fn an_endpoint_whose_host_a_browser_would_not_take_is_refused() {
        // Found by `cargo xtask fuzz` (discovery target).
        let config = config(r#"{"issuer":"https://id.example/","client_id":"c"}"#);
        let doc = DOC.replace("https://id.example/auth", "https://id.example^/authorize");
        assert_eq!(
            ProviderMetadata::from_discovery(&doc, &config),
            Err(DiscoveryError::InsecureUrl("authorization_endpoint"))
        );
    }

    #[test]
    fn issuer_must_match_exactly() {
        let config = config(r#"{"issuer":"https://id.example","client_id":"c"}"#);
        assert_eq!(
            ProviderMetadata::from_discovery(DOC, &config),
            Err(DiscoveryError::IssuerMismatch)
        );
    }

    #[test]
    fn rejects_missing_and_insecure_endpoints() {
        let config = config(r#"{"issuer":"https://id.example/","client_id":"c"}"#);
        let without_jwks = DOC.replace(r#""jwks_uri": "https://id.example/keys","#, "");
        assert_eq!(
            ProviderMetadata::from_discovery(&without_jwks, &config),
            Err(DiscoveryError::Missing("jwks_uri"))
        );
        let insecure = DOC.replace("https://id.example/token", "http://id.example/token");
        assert_eq!(
            ProviderMetadata::from_discovery(&insecure, &config),
            Err(DiscoveryError::InsecureUrl("token_endpoint"))
        );
        assert_eq!(
            ProviderMetadata::from_discovery("<html>", &config),
            Err(DiscoveryError::NotJson)
        );
    }

    #[test]
    fn auth0_fallback_paths() {
        let meta =
            ProviderMetadata::auth0_paths(&config(r#"{"domain":"t.auth0.com","client_id":"c"}"#));
        assert_eq!(meta.authorization_endpoint, "https://t.auth0.com/authorize");
        assert_eq!(meta.token_endpoint, "https://t.auth0.com/oauth/token");
        assert_eq!(meta.jwks_uri, "https://t.auth0.com/.well-known/jwks.json");
        assert_eq!(meta.end_session_endpoint, None);
        assert_eq!(
            meta.revocation_endpoint.as_deref(),
            Some("https://t.auth0.com/oauth/revoke"),
            "Auth0 revokes refresh tokens at /oauth/revoke"
        );
        assert_eq!(
            discovery_url("https://t.auth0.com/"),
            "https://t.auth0.com/.well-known/openid-configuration"
        );
    }
}
