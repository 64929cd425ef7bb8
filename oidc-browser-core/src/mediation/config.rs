//! The mode's configuration, read by the worker from the app's own `config.json`
//! (never from a page): whether a provider's tokens are kept by the worker
//! (`token_mediation`), the origins its access token may go to (`api_origins`), and
//! whether the page may keep tokens itself when no worker can
//! (`token_mediation_fallback`).
//!
//! Each provider's object (the top level for the default one, its entry under
//! `providers` for the others) carries its own fields, read beside
//! [`AuthConfig::from_fields`](crate::config::AuthConfig::from_fields).

use serde_json::{Map, Value};

use super::api_origins::ApiOrigins;
use super::request::MediationRules;
use crate::config::providers::{ProviderConfigs, ProvidersError, PROVIDERS_FIELD};
use crate::config::token_mediation::fallback_allowed;
use crate::config::{AuthConfig, ConfigError};
use crate::provider::discovery::ProviderMetadata;

pub use crate::config::token_mediation::TokenMediation;

/// One provider's mediation settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MediationConfig {
    /// `token_mediation`.
    pub mode: TokenMediation,
    /// `api_origins`: where its access token may go (besides its `userinfo`).
    pub api_origins: ApiOrigins,
    /// `token_mediation_fallback`: with no usable worker, keep tokens in the page
    /// (default `false`: sign-in is then unavailable, with the reason).
    pub fallback_allowed: bool,
}

impl MediationConfig {
    /// Reads a provider's object.
    ///
    /// # Errors
    /// [`ConfigError`] naming the field: a `token_mediation` that is neither
    /// `"page"` nor `"service_worker"`, an `api_origins` that is not a list of
    /// origins ([`ApiOrigins::parse`]), or one given without the worker mode (a list
    /// nothing would read is a mistake, not a setting).
    pub fn from_fields(fields: &Map<String, Value>) -> Result<Self, ConfigError> {
        let mode = TokenMediation::from_fields(fields)?;
        let list_error = ConfigError::WrongType {
            field: "api_origins",
            expected: "a list of origins",
        };
        let api_origins = match fields.get("api_origins") {
            None | Some(Value::Null) => ApiOrigins::default(),
            Some(Value::Array(entries)) => {
                let entries = entries
                    .iter()
                    .map(|entry| entry.as_str().ok_or(list_error.clone()))
                    .collect::<Result<Vec<_>, _>>()?;
                ApiOrigins::parse("api_origins", &entries)?
            }
            Some(_) => return Err(list_error),
        };
        if mode == TokenMediation::Page && !api_origins.is_empty() {
            return Err(ConfigError::Invalid {
                field: "api_origins",
                reason: "is read only with \"token_mediation\": \"service_worker\"",
            });
        }
        let fallback_allowed = fallback_allowed(fields)?;
        Ok(Self {
            mode,
            api_origins,
            fallback_allowed,
        })
    }

    /// The request rule of a provider in the worker mode: `metadata`'s token,
    /// revocation and pushed-request endpoints are the worker's alone; its `userinfo`
    /// gets the token.
    ///
    /// # Errors
    /// As [`MediationRules::new`].
    pub fn rules(&self, metadata: &ProviderMetadata) -> Result<MediationRules, ConfigError> {
        let guarded: Vec<&str> = std::iter::once(metadata.token_endpoint.as_str())
            .chain(metadata.revocation_endpoint.as_deref())
            .chain(metadata.pushed_authorization_request_endpoint.as_deref())
            .collect();
        MediationRules::new(
            self.api_origins.clone(),
            &guarded,
            metadata.userinfo_endpoint.as_deref(),
        )
    }
}

/// A provider of the app whose tokens the worker keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediatedProvider {
    /// Its name under `providers`; `None` for the default one.
    pub name: Option<String>,
    /// Its protocol configuration.
    pub config: AuthConfig,
    /// Its mediation settings.
    pub mediation: MediationConfig,
}

/// The providers of `config.json`'s `fields` whose tokens the worker keeps
/// (`token_mediation: "service_worker"`), in the file's order, the default first.
///
/// # Errors
/// A [`ProvidersError`] as [`ProviderConfigs::from_fields`], or for a provider's
/// mediation fields ([`MediationConfig::from_fields`]).
pub fn mediated_providers(
    fields: &Map<String, Value>,
    origin: &str,
) -> Result<Vec<MediatedProvider>, ProvidersError> {
    let (default, named) = ProviderConfigs::from_fields(fields, origin)?.into_parts();
    let mut providers = vec![MediatedProvider {
        name: None,
        config: default,
        mediation: MediationConfig::from_fields(fields)?,
    }];
    let objects = fields.get(PROVIDERS_FIELD).and_then(Value::as_object);
    for (name, config) in named {
        let own = objects
            .and_then(|objects| objects.get(&name))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mediation = MediationConfig::from_fields(&own)
            .map_err(|error| ProvidersError::in_provider(&name, error))?;
        providers.push(MediatedProvider {
            name: Some(name),
            config,
            mediation,
        });
    }
    providers.retain(|provider| provider.mediation.mode == TokenMediation::ServiceWorker);
    Ok(providers)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "http://127.0.0.1:8080";

    fn fields(text: &str) -> Map<String, Value> {
        AuthConfig::object(text).unwrap()
    }

    fn field(error: &ConfigError) -> Option<&'static str> {
        match error {
            ConfigError::WrongType { field, .. } | ConfigError::Invalid { field, .. } => {
                Some(field)
            }
            ConfigError::Missing(field) => Some(field),
            ConfigError::NotJson(_) => None,
        }
    }

    #[test]
    fn the_mode_is_off_unless_asked_for_and_reads_its_allow_list() {
        let off = MediationConfig::from_fields(&fields(r#"{"domain":"id.example"}"#)).unwrap();
        assert_eq!(off, MediationConfig::default());
        assert_eq!(off.mode, TokenMediation::Page);
        let on = MediationConfig::from_fields(&fields(
            r#"{"token_mediation":"service_worker",
                "api_origins":["https://API.example:443/","http://127.0.0.1:9000"],
                "token_mediation_fallback":true}"#,
        ))
        .unwrap();
        assert_eq!(on.mode, TokenMediation::ServiceWorker);
        assert!(on.fallback_allowed);
        assert_eq!(
            on.api_origins.iter().collect::<Vec<_>>(),
            ["https://api.example", "http://127.0.0.1:9000"]
        );
    }

    #[test]
    fn a_wrong_mode_list_or_flag_is_refused_by_name() {
        for (text, named) in [
            (r#"{"token_mediation":"worker"}"#, "token_mediation"),
            (r#"{"token_mediation":true}"#, "token_mediation"),
            (
                r#"{"token_mediation":"service_worker","api_origins":"https://api.example"}"#,
                "api_origins",
            ),
            (
                r#"{"token_mediation":"service_worker","api_origins":[1]}"#,
                "api_origins",
            ),
            (
                r#"{"token_mediation":"service_worker","api_origins":["https://api.example/v1"]}"#,
                "api_origins",
            ),
            (r#"{"api_origins":["https://api.example"]}"#, "api_origins"),
            (
                r#"{"token_mediation":"service_worker","token_mediation_fallback":"yes"}"#,
                "token_mediation_fallback",
            ),
        ] {
            let error = MediationConfig::from_fields(&fields(text)).unwrap_err();
            assert_eq!(field(&error), Some(named), "{text}");
        }
    }

    #[test]
    fn the_rule_guards_the_token_revocation_and_push_endpoints_and_feeds_userinfo() {
        let config = AuthConfig::from_json(
            r#"{"issuer":"https://id.example/","client_id":"c"}"#,
            ORIGIN,
        )
        .unwrap();
        let mut metadata = ProviderMetadata::from_discovery(
            r#"{"issuer":"https://id.example/","authorization_endpoint":"https://id.example/authorize",
                "token_endpoint":"https://id.example/token","jwks_uri":"https://id.example/jwks",
                "userinfo_endpoint":"https://id.example/userinfo",
                "revocation_endpoint":"https://revoke.example/revoke",
                "pushed_authorization_request_endpoint":"https://par.example/par"}"#,
            &config,
        )
        .unwrap();
        let mediation = MediationConfig::from_fields(&fields(
            r#"{"token_mediation":"service_worker","api_origins":["https://api.example"]}"#,
        ))
        .unwrap();
        let rules = mediation.rules(&metadata).unwrap();
        assert_eq!(
            rules.guarded_origins().collect::<Vec<_>>(),
            [
                "https://id.example",
                "https://revoke.example",
                "https://par.example"
            ]
        );
        // An API listed on a guarded origin is refused.
        metadata.pushed_authorization_request_endpoint = Some("https://api.example/par".into());
        assert_eq!(
            field(&mediation.rules(&metadata).unwrap_err()),
            Some("api_origins")
        );
    }

    #[test]
    fn only_the_providers_asking_for_the_worker_are_mediated() {
        let text = r#"{"issuer":"https://id.example/","client_id":"c",
            "providers":{
              "shop":{"issuer":"https://shop.example/","client_id":"s",
                      "token_mediation":"service_worker","api_origins":["https://shop-api.example"]},
              "docs":{"issuer":"https://docs.example/","client_id":"d"}}}"#;
        let providers = mediated_providers(&fields(text), ORIGIN).unwrap();
        assert_eq!(providers.len(), 1);
        assert_eq!(providers[0].name.as_deref(), Some("shop"));
        assert!(providers[0]
            .mediation
            .api_origins
            .admits("https://shop-api.example/x"));
        // A named provider's mistake names it.
        let wrong = text.replace(r#"shop-api.example"]"#, r#"shop-api.example/v1"]"#);
        let error = mediated_providers(&fields(&wrong), ORIGIN).unwrap_err();
        assert_eq!(error.provider.as_deref(), Some("shop"));
    }
}
