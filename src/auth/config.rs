//! The runtime configuration read from `/config.json`, so one build serves many
//! deployments. Parsed by hand from a JSON object so every error names its field.

use serde_json::{Map, Value};

/// Scope asked for when `config.json` names none.
pub const DEFAULT_SCOPE: &str = "openid profile email";

/// Why `config.json` cannot be used. Each variant names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The file is not a JSON object.
    #[error("config.json is not a JSON object: {0}")]
    NotJson(String),
    /// A required field is absent or empty.
    #[error("config.json: the field `{0}` is missing")]
    Missing(&'static str),
    /// A field has the wrong JSON type.
    #[error("config.json: the field `{field}` must be {expected}")]
    WrongType {
        /// The field.
        field: &'static str,
        /// What it must be, in words.
        expected: &'static str,
    },
    /// A field has the right type but an unusable value.
    #[error("config.json: the field `{field}` {reason}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// Endpoints set in `config.json`, which win over discovery (a provider behind a
/// proxy, say). Usually all `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointOverrides {
    /// `authorization_endpoint`.
    pub authorization: Option<String>,
    /// `token_endpoint`.
    pub token: Option<String>,
    /// `userinfo_endpoint`.
    pub userinfo: Option<String>,
}

/// Where the refresh token is kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RefreshTokenStorage {
    /// In memory only (the default): a reload signs the user out, but script injected
    /// into the page later cannot read a stored token.
    #[default]
    Memory,
    /// In the browser's IndexedDB: a reload and other tabs stay signed in, at the
    /// price of a long-lived token readable by any script that runs on this origin.
    IndexedDb,
}

/// A button offering a direct sign-in through one of the provider's connections
/// (Auth0's `connection` parameter), such as `github`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// The `connection` value sent to `/authorize`.
    pub name: String,
    /// The text after "Sign in with".
    pub label: String,
}

/// A validated configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthConfig {
    /// The expected `iss`, exactly as the provider writes it (Auth0's ends in `/`).
    pub issuer: String,
    /// True for an Auth0 `domain`: its documented endpoint paths are known without
    /// discovery, and logout falls back to `/v2/logout`.
    pub is_auth0: bool,
    /// Endpoints set in the file.
    pub endpoint_overrides: EndpointOverrides,
    /// The public client's `client_id`.
    pub client_id: String,
    /// Where the provider sends the browser back with the code.
    pub redirect_uri: String,
    /// Space-separated scopes; always contains `openid`.
    pub scope: String,
    /// The API the access token is for (Auth0's `audience`).
    pub audience: Option<String>,
    /// Direct sign-in buttons.
    pub connections: Vec<Connection>,
    /// Where the provider sends the browser after logout.
    pub post_logout_redirect_uri: String,
    /// Auth0: also sign out of the social identity provider (`federated`).
    pub federated_logout: bool,
    /// Where the refresh token is kept (with `offline_access`).
    pub refresh_token_storage: RefreshTokenStorage,
    /// The user's own API, called with the access token on the API page.
    pub api_url: Option<String>,
}

impl AuthConfig {
    /// Parses `config.json`. `origin` is the app's own origin (`https://app.example`),
    /// used for the default `redirect_uri`.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the first field that is missing or unusable.
    pub fn from_json(text: &str, origin: &str) -> Result<Self, ConfigError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| ConfigError::NotJson(e.to_string()))?;
        let Value::Object(fields) = value else {
            return Err(ConfigError::NotJson("expected an object".into()));
        };
        let domain = optional_string(&fields, "domain")?;
        let is_auth0 = domain.is_some();
        let issuer = match (domain, optional_string(&fields, "issuer")?) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::Invalid {
                    field: "issuer",
                    reason: "cannot be given together with `domain`",
                })
            }
            (Some(domain), None) => auth0_issuer(&domain)?,
            (None, Some(issuer)) => {
                check_provider_url("issuer", &issuer)?;
                issuer
            }
            (None, None) => return Err(ConfigError::Missing("domain")),
        };
        let url = |field| -> Result<Option<String>, ConfigError> {
            match optional_string(&fields, field)? {
                Some(url) => check_provider_url(field, &url).map(|()| Some(url)),
                None => Ok(None),
            }
        };
        let endpoint_overrides = EndpointOverrides {
            authorization: url("authorization_endpoint")?,
            token: url("token_endpoint")?,
            userinfo: url("userinfo_endpoint")?,
        };
        let origin = origin.trim_end_matches('/');
        let client_id =
            optional_string(&fields, "client_id")?.ok_or(ConfigError::Missing("client_id"))?;
        let redirect_uri = match optional_string(&fields, "redirect_uri")? {
            Some(uri) => uri,
            None => format!("{origin}/callback"),
        };
        if !(redirect_uri.starts_with("https://") || redirect_uri.starts_with("http://")) {
            return Err(ConfigError::Invalid {
                field: "redirect_uri",
                reason: "must be an absolute http(s) URL",
            });
        }
        let scope = with_openid(
            &optional_string(&fields, "scope")?.unwrap_or_else(|| DEFAULT_SCOPE.into()),
        );
        let refresh_token_storage =
            match optional_string(&fields, "refresh_token_storage")?.as_deref() {
                None | Some("memory") => RefreshTokenStorage::Memory,
                Some("indexed_db") => RefreshTokenStorage::IndexedDb,
                Some(_) => {
                    return Err(ConfigError::Invalid {
                        field: "refresh_token_storage",
                        reason: "must be \"memory\" or \"indexed_db\"",
                    })
                }
            };
        let federated_logout = match fields.get("federated_logout") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return Err(ConfigError::WrongType {
                    field: "federated_logout",
                    expected: "true or false",
                })
            }
        };
        Ok(Self {
            issuer,
            is_auth0,
            endpoint_overrides,
            client_id,
            redirect_uri,
            scope,
            audience: optional_string(&fields, "audience")?,
            connections: connections(&fields)?,
            post_logout_redirect_uri: optional_string(&fields, "post_logout_redirect_uri")?
                .unwrap_or_else(|| format!("{origin}/")),
            federated_logout,
            refresh_token_storage,
            api_url: url("api_url")?,
        })
    }
}

/// Auth0 accepts a bare tenant domain; auth0-spa-js also takes a full `http(s)://`
/// URL (used for local providers). Either way the issuer ends in `/`.
fn auth0_issuer(domain: &str) -> Result<String, ConfigError> {
    let url = if domain.contains("://") {
        domain.to_owned()
    } else {
        format!("https://{domain}")
    };
    let url = url.trim_end_matches('/');
    if url
        .split_once("://")
        .is_some_and(|(_, host)| host.contains('/'))
    {
        return Err(ConfigError::Invalid {
            field: "domain",
            reason: "must be a host name, without a path",
        });
    }
    let issuer = format!("{url}/");
    check_provider_url("domain", &issuer)?;
    Ok(issuer)
}

/// Provider URLs must be `https://`, except on loopback where development providers
/// run: plain HTTP anywhere else would expose codes and tokens on the network.
pub(crate) fn check_provider_url(field: &'static str, url: &str) -> Result<(), ConfigError> {
    let Some(rest) = url.strip_prefix("https://").or_else(|| {
        url.strip_prefix("http://").filter(|rest| {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
            matches!(host, "127.0.0.1" | "localhost" | "[::1]")
        })
    }) else {
        return Err(ConfigError::Invalid {
            field,
            reason: "must be an https:// URL (http:// only on loopback)",
        });
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains('@') || rest.contains(['?', '#', ' ']) {
        return Err(ConfigError::Invalid {
            field,
            reason: "must be a plain URL with a host and no query, fragment or credentials",
        });
    }
    Ok(())
}

fn with_openid(scope: &str) -> String {
    let mut scopes: Vec<&str> = scope.split_whitespace().collect();
    if !scopes.contains(&"openid") {
        scopes.insert(0, "openid");
    }
    scopes.join(" ")
}

fn optional_string(
    fields: &Map<String, Value>,
    field: &'static str,
) -> Result<Option<String>, ConfigError> {
    match fields.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(_) => Err(ConfigError::WrongType {
            field,
            expected: "a string",
        }),
    }
}

fn connections(fields: &Map<String, Value>) -> Result<Vec<Connection>, ConfigError> {
    const EXPECTED: &str = "a list of {\"name\", \"label\"} objects";
    let wrong = || ConfigError::WrongType {
        field: "connections",
        expected: EXPECTED,
    };
    let list = match fields.get("connections") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(wrong()),
    };
    list.iter()
        .map(|item| {
            let name = item
                .get("name")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty());
            let name = name.ok_or_else(wrong)?.to_owned();
            let label = match item.get("label") {
                None => name.clone(),
                Some(Value::String(label)) => label.clone(),
                Some(_) => return Err(wrong()),
            };
            Ok(Connection { name, label })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "http://127.0.0.1:8080";

    fn parse(json: &str) -> Result<AuthConfig, ConfigError> {
        AuthConfig::from_json(json, ORIGIN)
    }

    #[test]
    fn auth0_domain_gives_issuer_with_slash_and_auth0_paths() {
        let config = parse(r#"{"domain":"tenant.eu.auth0.com","client_id":"abc"}"#).unwrap();
        assert_eq!(config.issuer, "https://tenant.eu.auth0.com/");
        assert!(config.is_auth0);
        assert_eq!(config.endpoint_overrides, EndpointOverrides::default());
        assert_eq!(config.redirect_uri, "http://127.0.0.1:8080/callback");
        assert_eq!(config.post_logout_redirect_uri, "http://127.0.0.1:8080/");
        assert_eq!(config.refresh_token_storage, RefreshTokenStorage::Memory);
        assert!(!config.federated_logout);
        assert_eq!(config.api_url, None);
        assert_eq!(config.scope, "openid profile email");
        assert_eq!(config.audience, None);
    }

    #[test]
    fn issuer_is_kept_exactly_and_endpoints_can_be_overridden() {
        let config = parse(
            r#"{"issuer":"https://id.example/realms/x","client_id":"c",
                "token_endpoint":"https://id.example/realms/x/token",
                "redirect_uri":"https://app.example/cb","scope":"profile",
                "audience":"https://api.example",
                "connections":[{"name":"github","label":"GitHub"},{"name":"google-oauth2"}]}"#,
        )
        .unwrap();
        assert_eq!(config.issuer, "https://id.example/realms/x");
        assert!(!config.is_auth0);
        assert_eq!(
            config.endpoint_overrides.token.as_deref(),
            Some("https://id.example/realms/x/token")
        );
        assert_eq!(config.endpoint_overrides.authorization, None);
        assert_eq!(config.redirect_uri, "https://app.example/cb");
        assert_eq!(config.scope, "openid profile");
        assert_eq!(config.audience.as_deref(), Some("https://api.example"));
        assert_eq!(config.connections[1].label, "google-oauth2");
    }

    #[test]
    fn session_options() {
        let config = parse(
            r#"{"domain":"t.auth0.com","client_id":"c","refresh_token_storage":"indexed_db",
                "federated_logout":true,"api_url":"https://api.example/private",
                "post_logout_redirect_uri":"https://app.example/bye"}"#,
        )
        .unwrap();
        assert_eq!(config.refresh_token_storage, RefreshTokenStorage::IndexedDb);
        assert!(config.federated_logout);
        assert_eq!(
            config.api_url.as_deref(),
            Some("https://api.example/private")
        );
        assert_eq!(config.post_logout_redirect_uri, "https://app.example/bye");
        assert!(matches!(
            parse(r#"{"domain":"t.auth0.com","client_id":"c","refresh_token_storage":"cookie"}"#),
            Err(ConfigError::Invalid {
                field: "refresh_token_storage",
                ..
            })
        ));
        assert!(matches!(
            parse(r#"{"domain":"t.auth0.com","client_id":"c","federated_logout":"yes"}"#),
            Err(ConfigError::WrongType {
                field: "federated_logout",
                ..
            })
        ));
        assert!(matches!(
            parse(r#"{"domain":"t.auth0.com","client_id":"c","api_url":"http://api.example/"}"#),
            Err(ConfigError::Invalid {
                field: "api_url",
                ..
            })
        ));
    }

    #[test]
    fn local_provider_url_as_domain() {
        let config = parse(r#"{"domain":"http://127.0.0.1:4000","client_id":"spa-dev"}"#).unwrap();
        assert_eq!(config.issuer, "http://127.0.0.1:4000/");
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(
            parse(r#"{"client_id":"c"}"#),
            Err(ConfigError::Missing("domain"))
        );
        assert_eq!(
            parse(r#"{"domain":"t.auth0.com"}"#),
            Err(ConfigError::Missing("client_id"))
        );
        assert_eq!(
            parse(r#"{"domain":"t.auth0.com","client_id":"  "}"#),
            Err(ConfigError::Missing("client_id"))
        );
        assert_eq!(
            parse(r#"{"domain":"t.auth0.com","client_id":7}"#),
            Err(ConfigError::WrongType {
                field: "client_id",
                expected: "a string"
            })
        );
        assert!(matches!(
            parse(r#"{"domain":"t.auth0.com","client_id":"c","connections":{}}"#),
            Err(ConfigError::WrongType {
                field: "connections",
                ..
            })
        ));
        assert!(matches!(
            parse(r#"{"domain":"t.auth0.com","client_id":"c","connections":[{"label":"x"}]}"#),
            Err(ConfigError::WrongType {
                field: "connections",
                ..
            })
        ));
    }

    #[test]
    fn rejects_plain_http_off_loopback_and_odd_urls() {
        for json in [
            r#"{"issuer":"http://id.example/","client_id":"c"}"#,
            r#"{"issuer":"ftp://id.example/","client_id":"c"}"#,
            r#"{"issuer":"https://user@id.example/","client_id":"c"}"#,
            r#"{"issuer":"https:///","client_id":"c"}"#,
            r#"{"domain":"t.auth0.com/path","client_id":"c"}"#,
            r#"{"domain":"t.auth0.com","issuer":"https://t.auth0.com/","client_id":"c"}"#,
            r#"{"domain":"t.auth0.com","client_id":"c","redirect_uri":"/callback"}"#,
            r#"{"domain":"t.auth0.com","client_id":"c","token_endpoint":"http://evil.example/"}"#,
        ] {
            assert!(
                matches!(parse(json), Err(ConfigError::Invalid { .. })),
                "{json}"
            );
        }
    }

    #[test]
    fn rejects_non_objects() {
        assert!(matches!(
            parse("<!doctype html>"),
            Err(ConfigError::NotJson(_))
        ));
        assert!(matches!(parse("[1]"), Err(ConfigError::NotJson(_))));
        assert!(matches!(parse(""), Err(ConfigError::NotJson(_))));
    }
}
