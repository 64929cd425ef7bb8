//! Several providers side by side in one app (staff through one, customers through
//! another, or two tenants): the default configuration and named others, each with
//! its own storage prefix, so their transactions, locks, channels, refresh tokens and
//! DPoP keys never meet. Also the rule for which of them finishes the login a page
//! load brings back, when they share a callback path.

use serde_json::{Map, Value};

use super::{path_of, AuthConfig, ConfigError};

/// The field of `config.json` that names the other providers: an object from each
/// provider's name to a configuration object of its own (every field of the top
/// level's, nothing inherited).
pub const PROVIDERS_FIELD: &str = "providers";

/// The longest provider name.
const MAX_NAME_LEN: usize = 32;

/// Why the providers of `config.json` cannot be used side by side: the
/// [`ConfigError`], and the named provider whose configuration it is in (`None`: the
/// top level, the default provider's). Its own type rather than a variant of
/// [`ConfigError`], so an app with one provider links none of it (a recursive variant
/// cost the equal page about 0.5 KB of wasm, measured with twiggy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvidersError {
    /// The provider's name, as `config.json` gives it; `None` for the default one.
    pub provider: Option<String>,
    /// What is wrong there.
    pub error: ConfigError,
}

impl ProvidersError {
    /// `error` within the named provider `name`.
    pub fn in_provider(name: &str, error: ConfigError) -> Self {
        Self {
            provider: Some(name.to_owned()),
            error,
        }
    }
}

impl From<ConfigError> for ProvidersError {
    fn from(error: ConfigError) -> Self {
        Self {
            provider: None,
            error,
        }
    }
}

impl std::fmt::Display for ProvidersError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.provider {
            Some(name) => write!(f, "in the provider `{name}` of `providers`: {}", self.error),
            None => self.error.fmt(f),
        }
    }
}

impl std::error::Error for ProvidersError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// The app's providers: the default one (`use_auth()`) and the named others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConfigs {
    default: AuthConfig,
    named: Vec<(String, AuthConfig)>,
}

impl ProviderConfigs {
    /// The default provider and `named` others, checked to fit side by side
    /// ([`ProviderConfigs::check`]).
    ///
    /// # Errors
    /// As [`ProviderConfigs::check`].
    pub fn new(
        default: AuthConfig,
        named: Vec<(String, AuthConfig)>,
    ) -> Result<Self, ProvidersError> {
        let configs = Self { default, named };
        configs.check()?;
        Ok(configs)
    }

    /// Reads the default provider from the top level of `config.json`'s `fields`, and
    /// the others from its [`PROVIDERS_FIELD`] (absent: none).
    ///
    /// # Errors
    /// A [`ProvidersError`]: the [`ConfigError`] naming the field at fault, and the
    /// named provider it is in, if any.
    pub fn from_fields(fields: &Map<String, Value>, origin: &str) -> Result<Self, ProvidersError> {
        let default = AuthConfig::from_fields(fields, origin)?;
        let wrong = ConfigError::WrongType {
            field: PROVIDERS_FIELD,
            expected: "an object from each provider's name to its configuration object",
        };
        let named = match fields.get(PROVIDERS_FIELD) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(named)) => named
                .iter()
                .map(|(name, value)| {
                    let Value::Object(fields) = value else {
                        return Err(ProvidersError::from(wrong.clone()));
                    };
                    let config = AuthConfig::from_fields(fields, origin)
                        .map_err(|error| ProvidersError::in_provider(name, error))?;
                    Ok((name.clone(), config))
                })
                .collect::<Result<_, ProvidersError>>()?,
            Some(_) => return Err(wrong.into()),
        };
        Self::new(default, named)
    }

    /// Checks that the providers can live side by side: each name is 1 to 32
    /// letters, digits, dashes or underscores, not `default`, and used once, and no two share a
    /// storage prefix (nor is one another's followed by a dot), which would mix their
    /// sessions. Two configurations with the same `client_id` at two issuers get the
    /// same default prefix: give each its own `storage_prefix`. No provider's
    /// `silent_redirect_uri` path may be where another provider's logins finish.
    ///
    /// # Errors
    /// A [`ProvidersError`] naming the provider at fault (none when it is the default
    /// provider's silent page, or a malformed name).
    pub fn check(&self) -> Result<(), ProvidersError> {
        for (index, (name, config)) in self.named.iter().enumerate() {
            let plain = name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
            if !plain || name.is_empty() || name.len() > MAX_NAME_LEN || name == "default" {
                return Err(ConfigError::Invalid {
                    field: PROVIDERS_FIELD,
                    reason: "names must be 1 to 32 letters, digits, dashes or underscores \
                             (and not `default`, the top level's)",
                }
                .into());
            }
            if self.named[..index]
                .iter()
                .any(|(earlier, _)| earlier == name)
            {
                return Err(ProvidersError::in_provider(
                    name,
                    ConfigError::Invalid {
                        field: PROVIDERS_FIELD,
                        reason: "names two providers",
                    },
                ));
            }
            let earlier =
                std::iter::once(&self.default).chain(self.named[..index].iter().map(|(_, c)| c));
            for other in earlier {
                if prefixes_clash(&config.storage_prefix, &other.storage_prefix) {
                    return Err(ProvidersError::in_provider(
                        name,
                        ConfigError::Invalid {
                            field: "storage_prefix",
                            reason: "is another provider's (or starts with it and a dot): \
                                     give each provider its own",
                        },
                    ));
                }
            }
        }
        // A provider's silent page where another's logins finish would answer frames
        // and popups in place of the callback (or the callback would take their code).
        let all: Vec<&AuthConfig> = std::iter::once(&self.default)
            .chain(self.named.iter().map(|(_, c)| c))
            .collect();
        for (index, config) in all.iter().enumerate() {
            if all
                .iter()
                .any(|other| other.callback_path() == config.silent_path())
            {
                let error = ConfigError::Invalid {
                    field: "silent_redirect_uri",
                    reason: "is where another provider's logins finish (its redirect_uri's \
                             path): give it its own path",
                };
                return Err(match index {
                    0 => error.into(),
                    _ => ProvidersError::in_provider(&self.named[index - 1].0, error),
                });
            }
        }
        Ok(())
    }

    /// The default provider: the top level of `config.json`.
    pub fn default_config(&self) -> &AuthConfig {
        &self.default
    }

    /// The others, by name, in the order given.
    pub fn named(&self) -> &[(String, AuthConfig)] {
        &self.named
    }

    /// The default configuration and the named others, taken apart.
    pub fn into_parts(self) -> (AuthConfig, Vec<(String, AuthConfig)>) {
        (self.default, self.named)
    }

    /// The configuration named `name`; `None` for the default one.
    pub fn get(&self, name: Option<&str>) -> Option<&AuthConfig> {
        match name {
            None => Some(&self.default),
            Some(name) => self
                .named
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, config)| config),
        }
    }

    /// Every provider as the callback sees it, the default first.
    pub fn page_providers(&self) -> Vec<PageProvider> {
        std::iter::once(&self.default)
            .chain(self.named.iter().map(|(_, c)| c))
            .map(PageProvider::of)
            .collect()
    }
}

/// True when two apps with these prefixes would share a storage name.
fn prefixes_clash(a: &str, b: &str) -> bool {
    let extends = |long: &str, short: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.starts_with('.'))
    };
    a == b || extends(a, b) || extends(b, a)
}

/// One provider of the page, as the callback sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageProvider {
    /// Its storage prefix.
    pub prefix: String,
    /// The path of its `redirect_uri`, where its logins finish.
    pub callback_path: String,
}

impl PageProvider {
    /// The provider of `config`.
    pub fn of(config: &AuthConfig) -> Self {
        Self {
            prefix: config.storage_prefix.clone(),
            callback_path: config.callback_path().to_owned(),
        }
    }
}

/// What the page load knows of the answer in the address bar, to tell whose it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallbackClues<'a> {
    /// The prefix of a login already being finished for it (started from its
    /// transaction before the providers were known).
    pub pending: Option<&'a str>,
    /// The prefix and `redirect_uri` of the stored transaction its `state` names.
    pub transaction: Option<(&'a str, &'a str)>,
    /// The prefix of the provider whose spent logins hold its `state` (a replay).
    pub spent: Option<&'a str>,
}

/// Which one provider of the page owns the callback this page load is at (`path`):
/// the one whose login is already being finished, else whose transaction or spent
/// login holds the answer's `state` and that answers at this path; else the first
/// provider whose callback path this is, which then reports what is wrong (no
/// login in progress, a replay, or a login of a configuration no provider has any
/// more). `None` when no provider answers at `path`. Exactly one provider owns a
/// callback, so none is left waiting for a login another finishes.
pub fn callback_owner<'a>(
    clues: CallbackClues<'_>,
    providers: &'a [PageProvider],
    path: &str,
) -> Option<&'a PageProvider> {
    let answering_here = |prefix: &str| {
        providers
            .iter()
            .find(|p| p.prefix == prefix && p.callback_path == path)
    };
    let by_login = match (clues.pending, clues.transaction) {
        (Some(pending), _) => providers.iter().find(|p| p.prefix == pending),
        (None, Some((prefix, redirect_uri))) if path_of(redirect_uri) == path => {
            answering_here(prefix)
        }
        _ => None,
    };
    by_login
        .or_else(|| clues.spent.and_then(answering_here))
        .or_else(|| providers.iter().find(|p| p.callback_path == path))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "https://app.example";

    fn fields(text: &str) -> Map<String, Value> {
        AuthConfig::object(text).unwrap()
    }

    fn parse(text: &str) -> Result<ProviderConfigs, ProvidersError> {
        ProviderConfigs::from_fields(&fields(text), ORIGIN)
    }

    #[test]
    fn the_top_level_is_the_default_and_providers_are_named_others_each_whole() {
        let configs = parse(
            r#"{ "domain": "staff.eu.auth0.com", "client_id": "staff",
                 "providers": {
                   "customers": { "issuer": "https://id.example/", "client_id": "shop",
                                  "redirect_uri": "https://app.example/callback" },
                   "partners": { "domain": "partners.auth0.com", "client_id": "p" } } }"#,
        )
        .unwrap();
        assert_eq!(configs.default_config().client_id, "staff");
        let names: Vec<_> = configs.named().iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["customers", "partners"]);
        let customers = configs.get(Some("customers")).unwrap();
        assert_eq!(customers.issuer, "https://id.example/");
        // Nothing inherited: the default's scope and prefix are the library's own.
        assert_eq!(customers.storage_prefix, "leptos-pkce.shop");
        assert_eq!(configs.get(None).unwrap().client_id, "staff");
        assert!(configs.get(Some("nobody")).is_none());
        let prefixes: Vec<_> = configs
            .page_providers()
            .into_iter()
            .map(|p| p.prefix)
            .collect();
        assert_eq!(
            prefixes,
            ["leptos-pkce.staff", "leptos-pkce.shop", "leptos-pkce.p"]
        );
        // Without the field: the default alone.
        let one = parse(r#"{ "domain": "t.auth0.com", "client_id": "c" }"#).unwrap();
        assert!(one.named().is_empty());
    }

    #[test]
    fn an_error_inside_a_named_provider_names_the_provider_and_the_field() {
        let error = parse(
            r#"{ "domain": "t.auth0.com", "client_id": "c",
                 "providers": { "shop": { "issuer": "https://id.example/" } } }"#,
        )
        .unwrap_err();
        assert_eq!(
            error,
            ProvidersError::in_provider("shop", ConfigError::Missing("client_id"))
        );
        assert!(error.to_string().contains("`shop`"), "{error}");
        assert!(error.to_string().contains("client_id"), "{error}");
        for bad in [r#""providers": []"#, r#""providers": { "shop": "x" }"#] {
            let text = format!(r#"{{ "domain": "t.auth0.com", "client_id": "c", {bad} }}"#);
            assert!(
                matches!(
                    parse(&text),
                    Err(ProvidersError {
                        provider: None,
                        error: ConfigError::WrongType {
                            field: PROVIDERS_FIELD,
                            ..
                        }
                    })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn two_providers_may_never_share_a_storage_prefix() {
        // The same client id at two issuers: the same default prefix.
        let error = parse(
            r#"{ "domain": "a.auth0.com", "client_id": "app",
                 "providers": { "b": { "domain": "b.auth0.com", "client_id": "app" } } }"#,
        )
        .unwrap_err();
        assert!(matches!(
            error,
            ProvidersError { provider: Some(ref name), .. } if name == "b"
        ));
        // One prefix followed by a dot starts another's names.
        let error = parse(
            r#"{ "domain": "a.auth0.com", "client_id": "app", "storage_prefix": "x",
                 "providers": { "b": { "domain": "b.auth0.com", "client_id": "app",
                                       "storage_prefix": "x.tx" } } }"#,
        );
        assert!(error.is_err());
        // Own prefixes: fine, and "xy" is not "x" with a dot.
        parse(
            r#"{ "domain": "a.auth0.com", "client_id": "app", "storage_prefix": "x",
                 "providers": { "b": { "domain": "b.auth0.com", "client_id": "app",
                                       "storage_prefix": "xy" } } }"#,
        )
        .unwrap();
    }

    #[test]
    fn no_providers_silent_page_is_where_anothers_logins_finish() {
        let error = parse(
            r#"{ "domain": "a.auth0.com", "client_id": "a",
                 "providers": { "b": { "domain": "b.auth0.com", "client_id": "b",
                   "redirect_uri": "https://app.example/b/callback",
                   "silent_redirect_uri": "https://app.example/callback" } } }"#,
        )
        .unwrap_err();
        assert!(
            matches!(error, ProvidersError { provider: Some(ref name), ref error }
                if name == "b" && matches!(error, ConfigError::Invalid { field: "silent_redirect_uri", .. })),
            "{error:?}"
        );
        // Sharing the silent page is fine (answers are told apart by their state).
        parse(
            r#"{ "domain": "a.auth0.com", "client_id": "a",
                 "providers": { "b": { "domain": "b.auth0.com", "client_id": "b" } } }"#,
        )
        .unwrap();
    }

    #[test]
    fn provider_names_are_short_and_plain() {
        let named = |name: &str| {
            let text = format!(
                r#"{{ "domain": "a.auth0.com", "client_id": "a",
                      "providers": {{ "{name}": {{ "domain": "b.auth0.com", "client_id": "b" }} }} }}"#
            );
            parse(&text).map(|_| ())
        };
        assert!(named("customers_2-eu").is_ok());
        // Built by hand, a name given twice is refused too (JSON keeps one).
        let config = |id: &str| {
            AuthConfig::from_json(
                &format!(r#"{{ "domain": "{id}.auth0.com", "client_id": "{id}" }}"#),
                ORIGIN,
            )
            .unwrap()
        };
        let twice = ProviderConfigs::new(
            config("a"),
            vec![("b".into(), config("b")), ("b".into(), config("c"))],
        );
        assert!(matches!(
            twice,
            Err(ProvidersError {
                provider: Some(_),
                ..
            })
        ));
        for bad in ["", "two words", "a/b", "default", &"n".repeat(33)] {
            assert!(
                matches!(
                    named(bad),
                    Err(ProvidersError {
                        provider: None,
                        error: ConfigError::Invalid {
                            field: PROVIDERS_FIELD,
                            ..
                        }
                    })
                ),
                "{bad:?}"
            );
        }
    }

    fn page() -> Vec<PageProvider> {
        let provider = |prefix: &str, path: &str| PageProvider {
            prefix: prefix.into(),
            callback_path: path.into(),
        };
        vec![
            provider("staff", "/callback"),
            provider("shop", "/callback"),
            provider("own", "/own/callback"),
        ]
    }

    fn owner(clues: CallbackClues<'_>, path: &str) -> Option<String> {
        callback_owner(clues, &page(), path).map(|p| p.prefix.clone())
    }

    #[test]
    fn a_login_at_a_shared_callback_is_its_own_providers() {
        let at = "https://app.example/callback";
        let found = |prefix| CallbackClues {
            transaction: Some((prefix, at)),
            ..CallbackClues::default()
        };
        assert_eq!(owner(found("shop"), "/callback").as_deref(), Some("shop"));
        assert_eq!(owner(found("staff"), "/callback").as_deref(), Some("staff"));
        // Already being finished (started in `main` from its transaction, now gone).
        let pending = CallbackClues {
            pending: Some("shop"),
            ..CallbackClues::default()
        };
        assert_eq!(owner(pending, "/callback").as_deref(), Some("shop"));
        // A replay on Back: the spent login says whose.
        let replayed = CallbackClues {
            spent: Some("shop"),
            ..CallbackClues::default()
        };
        assert_eq!(owner(replayed, "/callback").as_deref(), Some("shop"));
    }

    #[test]
    fn a_callback_nobody_can_place_has_exactly_one_owner_the_first_answering_there() {
        // No transaction (expired, another tab's, a bare visit): the first provider
        // at the path reports it; the others are not left waiting.
        assert_eq!(
            owner(CallbackClues::default(), "/callback").as_deref(),
            Some("staff")
        );
        assert_eq!(
            owner(CallbackClues::default(), "/own/callback").as_deref(),
            Some("own")
        );
        // A login of a prefix no provider has (a removed provider, another app).
        let stranger = CallbackClues {
            pending: Some("gone"),
            ..CallbackClues::default()
        };
        assert_eq!(owner(stranger, "/callback").as_deref(), Some("staff"));
        // A transaction of a provider that answers elsewhere is not this callback's.
        let elsewhere = CallbackClues {
            transaction: Some(("own", "https://app.example/own/callback")),
            ..CallbackClues::default()
        };
        assert_eq!(owner(elsewhere, "/callback").as_deref(), Some("staff"));
        // No provider answers here.
        assert_eq!(owner(CallbackClues::default(), "/profile"), None);
        let pending_elsewhere = CallbackClues {
            pending: Some("gone"),
            ..CallbackClues::default()
        };
        assert_eq!(owner(pending_elsewhere, "/profile"), None);
    }
}
