//! The app's configuration: the library's [`AuthConfig`] plus this app's own fields,
//! all read from one `/config.json`, so one build serves many deployments.

use leptos_pkce_auth::oidc_browser_core::config::check_provider_url;
use leptos_pkce_auth::{AuthConfig, ConfigError, ProviderConfigs, ProvidersError};
use serde_json::{Map, Value};

/// A button offering a direct sign-in through one of the provider's connections
/// (Auth0's `connection` parameter), such as `github`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// The `connection` value sent to `/authorize`.
    pub name: String,
    /// The text after "Sign in with".
    pub label: String,
}

/// Another API the app calls with a token for its own audience.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraApi {
    /// Shown as the card's title.
    pub name: String,
    /// The URL called with `GET` (and `POST` for notes).
    pub url: String,
    /// The API's identifier at the provider.
    pub audience: String,
}

/// This app's own settings, beside the protocol configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppSettings {
    /// The user's own API, called with the access token on the API page.
    pub api_url: Option<String>,
    /// Direct sign-in buttons.
    pub connections: Vec<Connection>,
    /// More APIs, each with its own audience, called on the API page.
    pub apis: Vec<ExtraApi>,
}

/// Everything `config.json` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppConfig {
    /// For the auth library: the default provider, and any named others
    /// (`providers`).
    pub auth: ProviderConfigs,
    /// For this app's pages.
    pub settings: AppSettings,
}

impl AppConfig {
    /// Parses `config.json`; `origin` is the app's own origin.
    ///
    /// # Errors
    /// A [`ProvidersError`] naming the first field that is missing or unusable (and
    /// the named provider it is in, if any).
    pub fn from_json(text: &str, origin: &str) -> Result<Self, ProvidersError> {
        // Parsed once: the library reads its fields, this app its own.
        let fields = AuthConfig::object(text)?;
        let auth = ProviderConfigs::from_fields(&fields, origin)?;
        let api_url = match fields.get("api_url") {
            None | Some(Value::Null) => None,
            Some(Value::String(url)) if url.trim().is_empty() => None,
            Some(Value::String(url)) => {
                check_provider_url("api_url", url.trim())?;
                Some(url.trim().to_owned())
            }
            Some(_) => {
                return Err(ConfigError::WrongType {
                    field: "api_url",
                    expected: "a string",
                }
                .into())
            }
        };
        Ok(Self {
            auth,
            settings: AppSettings {
                api_url,
                connections: connections(&fields)?,
                apis: apis(&fields)?,
            },
        })
    }
}

fn apis(fields: &Map<String, Value>) -> Result<Vec<ExtraApi>, ConfigError> {
    let wrong = || ConfigError::WrongType {
        field: "apis",
        expected: "a list of {\"name\", \"url\", \"audience\"} objects",
    };
    let list = match fields.get("apis") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(wrong()),
    };
    list.iter()
        .map(|item| {
            let text = |name: &str| {
                item.get(name)
                    .and_then(Value::as_str)
                    .filter(|s| !s.trim().is_empty())
                    .map(str::to_owned)
                    .ok_or_else(wrong)
            };
            let api = ExtraApi {
                name: text("name")?,
                url: text("url")?,
                audience: text("audience")?,
            };
            check_provider_url("apis", &api.url)?;
            Ok(api)
        })
        .collect()
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

    fn parse(json: &str) -> Result<AppConfig, ProvidersError> {
        AppConfig::from_json(json, ORIGIN)
    }

    #[test]
    fn the_apps_fields_sit_beside_the_protocol_ones() {
        let config = parse(
            r#"{"domain":"t.auth0.com","client_id":"c","api_url":"https://api.example/private",
                "connections":[{"name":"github","label":"GitHub"},{"name":"google-oauth2"}]}"#,
        )
        .unwrap();
        assert_eq!(config.auth.default_config().client_id, "c");
        assert!(config.auth.named().is_empty());
        assert_eq!(
            config.settings.api_url.as_deref(),
            Some("https://api.example/private")
        );
        assert_eq!(config.settings.connections[0].label, "GitHub");
        assert_eq!(config.settings.connections[1].label, "google-oauth2");
        let with_apis = parse(
            r#"{"domain":"t.auth0.com","client_id":"c",
                "apis":[{"name":"Billing","url":"https://billing.example/v1","audience":"https://billing"}]}"#,
        )
        .unwrap();
        assert_eq!(with_apis.settings.apis[0].audience, "https://billing");
        let bare = parse(r#"{"domain":"t.auth0.com","client_id":"c"}"#).unwrap();
        assert_eq!(bare.settings, AppSettings::default());
    }

    #[test]
    fn errors_name_the_apps_field() {
        for (field, json) in [
            ("api_url", r#""api_url":"http://api.example/""#),
            ("api_url", r#""api_url":7"#),
            ("connections", r#""connections":{}"#),
            ("connections", r#""connections":[{"label":"x"}]"#),
            (
                "apis",
                r#""apis":[{"name":"x","url":"https://a.example/"}]"#,
            ),
            (
                "apis",
                r#""apis":[{"name":"x","url":"http://a.example/","audience":"a"}]"#,
            ),
        ] {
            let json = format!(r#"{{"domain":"t.auth0.com","client_id":"c",{json}}}"#);
            let error = parse(&json).unwrap_err();
            assert!(error.to_string().contains(field), "{json}: {error}");
        }
    }

    #[test]
    fn other_providers_are_read_by_name() {
        let config = parse(
            r#"{"domain":"t.auth0.com","client_id":"c",
                "providers":{"partners":{"issuer":"https://id.example/o","client_id":"p"}}}"#,
        )
        .unwrap();
        assert_eq!(config.auth.named()[0].0, "partners");
        assert_eq!(config.auth.named()[0].1.client_id, "p");
    }

    #[test]
    fn protocol_errors_come_first() {
        assert_eq!(
            parse(r#"{"client_id":"c","api_url":7}"#),
            Err(ConfigError::Missing("domain").into())
        );
    }
}
