//! The runtime configuration read from `/config.json`, so one build serves many
//! deployments. Parsed by hand from a JSON object so every error names its field.

pub mod names;
pub mod providers;
pub mod token_mediation;

use serde_json::{Map, Value};

use crate::session::silent::SilentSignIn;
pub use token_mediation::TokenMediation;

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
    /// `jwks_uri`: where the provider's signing keys are published.
    pub jwks_uri: Option<String>,
}

/// How a request names the API a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudienceParam {
    /// Auth0's `audience` (the default for an Auth0 `domain`).
    Audience,
    /// RFC 8707 `resource` (the default for a generic `issuer`).
    Resource,
}

/// Whether logins push their parameters to the provider first (RFC 9126;
/// `pushed_authorization_requests`: `"auto"`, `"always"` or `"never"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PushMode {
    /// When the provider's discovery document lists a
    /// `pushed_authorization_request_endpoint` (the default).
    #[default]
    Auto,
    /// Always: a provider without the endpoint is an error.
    Always,
    /// Never: a provider that requires it is an error.
    Never,
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

/// Which kind of provider the issuer is: it decides the endpoints known without
/// discovery and where logout goes when discovery names no `end_session_endpoint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// An Auth0 tenant (configured with `domain`): its documented paths are known
    /// without discovery, and logout falls back to `/v2/logout`.
    Auth0,
    /// Any other OpenID Connect provider (configured with `issuer`): everything comes
    /// from discovery; without an `end_session_endpoint` logout is local only.
    Generic,
}

/// The protocol configuration: which provider, which client, where the browser comes
/// back, and how the session is kept. The app's own settings live beside it, in the
/// same JSON object if it likes: fields this parser does not know are ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthConfig {
    /// The expected `iss`, exactly as the provider writes it (Auth0's ends in `/`).
    pub issuer: String,
    /// Auth0 (`domain`) or a generic OpenID Connect provider (`issuer`).
    pub provider: ProviderKind,
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
    /// Where the provider sends the browser after logout.
    pub post_logout_redirect_uri: String,
    /// Auth0: also sign out of the social identity provider (`federated`).
    pub federated_logout: bool,
    /// Where the refresh token is kept (with `offline_access`).
    pub refresh_token_storage: RefreshTokenStorage,
    /// Names every key, lock, channel and database this library uses in the browser,
    /// so two apps on one origin keep apart. Defaults to `leptos-pkce.{client_id}`.
    pub storage_prefix: String,
    /// How a returning user is signed back in without a prompt.
    pub silent_sign_in: SilentSignIn,
    /// How a token request names its API (`audience_param`: `"audience"` or
    /// `"resource"`).
    pub audience_param: AudienceParam,
    /// Binds tokens to a key this browser holds (DPoP, RFC 9449; `dpop`, default
    /// off), where the provider's discovery document accepts ES256 proofs.
    pub dpop: bool,
    /// Whether logins push their parameters first (`pushed_authorization_requests`).
    pub pushed_authorization_requests: PushMode,
    /// Seconds a popup login may take before the app gives up (`popup_timeout_secs`,
    /// 10 to 900; default 300: time to type a password and a one-time code).
    pub popup_timeout_secs: u32,
    /// Seconds of clock skew tolerated on the ID token's times (`clock_leeway_secs`,
    /// 0 to 600; default 60).
    pub clock_leeway_secs: u32,
    /// Seconds a request to the provider or an API may take (`http_timeout_secs`,
    /// 1 to 120; default 20).
    pub http_timeout_secs: u32,
    /// Where the provider answers a silent sign-in in the hidden iframe: a static
    /// page that hands the answer to the app (`silent-callback.html`).
    pub silent_redirect_uri: String,
    /// `token_mediation`: where the tokens are kept (the page, or a service worker
    /// that holds them and attaches them; `mediation`).
    pub token_mediation: TokenMediation,
    /// `token_mediation_fallback`: with no usable service worker, the page keeps the
    /// tokens (default `false`: sign-in is then unavailable, with the reason).
    pub token_mediation_fallback: bool,
}

impl AuthConfig {
    /// Parses a JSON object such as the app's `config.json` (see the crate docs for
    /// every field). `origin` is the app's own origin (`https://app.example`): the
    /// default `redirect_uri` is `{origin}/callback`, and `redirect_uri` and
    /// `post_logout_redirect_uri` must be on it.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the first field that is missing or unusable.
    pub fn from_json(text: &str, origin: &str) -> Result<Self, ConfigError> {
        Self::from_fields(&Self::object(text)?, origin)
    }

    /// Parses `text` as the JSON object a configuration is read from: for an app that
    /// reads its own fields from the same `config.json`, once ([`AuthConfig::from_fields`]).
    ///
    /// # Errors
    /// [`ConfigError::NotJson`] for anything but a JSON object.
    pub fn object(text: &str) -> Result<Map<String, Value>, ConfigError> {
        match serde_json::from_str(text).map_err(|e| ConfigError::NotJson(e.to_string()))? {
            Value::Object(fields) => Ok(fields),
            _ => Err(ConfigError::NotJson("expected an object".into())),
        }
    }

    /// [`AuthConfig::from_json`] from the fields of a parsed `config.json`
    /// ([`AuthConfig::object`]); fields it does not know are left for the app.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the first field that is missing or unusable.
    pub fn from_fields(fields: &Map<String, Value>, origin: &str) -> Result<Self, ConfigError> {
        let domain = optional_string(fields, "domain")?;
        let provider = if domain.is_some() {
            ProviderKind::Auth0
        } else {
            ProviderKind::Generic
        };
        let issuer = match (domain, optional_string(fields, "issuer")?) {
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
            match optional_string(fields, field)? {
                Some(url) => check_provider_url(field, &url).map(|()| Some(url)),
                None => Ok(None),
            }
        };
        let endpoint_overrides = EndpointOverrides {
            authorization: url("authorization_endpoint")?,
            token: url("token_endpoint")?,
            userinfo: url("userinfo_endpoint")?,
            jwks_uri: url("jwks_uri")?,
        };
        let origin = origin.trim_end_matches('/');
        let client_id =
            optional_string(fields, "client_id")?.ok_or(ConfigError::Missing("client_id"))?;
        let redirect_uri = match optional_string(fields, "redirect_uri")? {
            Some(uri) => uri,
            None => format!("{origin}/callback"),
        };
        check_on_origin("redirect_uri", &redirect_uri, origin)?;
        let post_logout_redirect_uri = optional_string(fields, "post_logout_redirect_uri")?
            .unwrap_or_else(|| format!("{origin}/"));
        check_on_origin(
            "post_logout_redirect_uri",
            &post_logout_redirect_uri,
            origin,
        )?;
        let silent_redirect_uri = optional_string(fields, "silent_redirect_uri")?
            .unwrap_or_else(|| format!("{origin}/silent-callback.html"));
        check_on_origin("silent_redirect_uri", &silent_redirect_uri, origin)?;
        // The silent page answers a frame with a message; logins finish at the callback.
        // One path for both could never do either.
        if path_of(&silent_redirect_uri) == path_of(&redirect_uri) {
            return Err(ConfigError::Invalid {
                field: "silent_redirect_uri",
                reason: "must be another path than redirect_uri's (it serves the static \
                         silent-callback page; logins finish at redirect_uri)",
            });
        }
        let silent_sign_in = one_of(
            fields,
            "silent_sign_in",
            SilentSignIn::IframeThenRedirect,
            &[
                ("iframe_then_redirect", SilentSignIn::IframeThenRedirect),
                ("iframe", SilentSignIn::Iframe),
                ("off", SilentSignIn::Off),
            ],
            "must be \"iframe_then_redirect\", \"iframe\" or \"off\"",
        )?;
        let audience_param = one_of(
            fields,
            "audience_param",
            match provider {
                ProviderKind::Auth0 => AudienceParam::Audience,
                ProviderKind::Generic => AudienceParam::Resource,
            },
            &[
                ("audience", AudienceParam::Audience),
                ("resource", AudienceParam::Resource),
            ],
            "must be \"audience\" or \"resource\"",
        )?;
        let pushed_authorization_requests = one_of(
            fields,
            "pushed_authorization_requests",
            PushMode::Auto,
            &[
                ("auto", PushMode::Auto),
                ("always", PushMode::Always),
                ("never", PushMode::Never),
            ],
            "must be \"auto\", \"always\" or \"never\"",
        )?;
        let clock_leeway_secs = seconds(fields, "clock_leeway_secs", 60, 0..=600)?;
        let popup_timeout_secs = seconds(fields, "popup_timeout_secs", 300, 10..=900)?;
        let http_timeout_secs = seconds(fields, "http_timeout_secs", 20, 1..=120)?;
        let storage_prefix = match optional_string(fields, "storage_prefix")? {
            Some(prefix) => {
                check_storage_prefix(&prefix)?;
                prefix
            }
            None => format!("leptos-pkce.{client_id}"),
        };
        let scope =
            with_openid(&optional_string(fields, "scope")?.unwrap_or_else(|| DEFAULT_SCOPE.into()));
        let refresh_token_storage = one_of(
            fields,
            "refresh_token_storage",
            RefreshTokenStorage::Memory,
            &[
                ("memory", RefreshTokenStorage::Memory),
                ("indexed_db", RefreshTokenStorage::IndexedDb),
            ],
            "must be \"memory\" or \"indexed_db\"",
        )?;
        let flag = |field: &'static str| match fields.get(field) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(ConfigError::WrongType {
                field,
                expected: "true or false",
            }),
        };
        let federated_logout = flag("federated_logout")?;
        let dpop = flag("dpop")?;
        let token_mediation = TokenMediation::from_fields(fields)?;
        token_mediation::check_with_mediation(
            token_mediation,
            refresh_token_storage == RefreshTokenStorage::IndexedDb,
        )?;
        Ok(Self {
            issuer,
            provider,
            endpoint_overrides,
            client_id,
            redirect_uri,
            scope,
            audience: optional_string(fields, "audience")?,
            post_logout_redirect_uri,
            federated_logout,
            refresh_token_storage,
            storage_prefix,
            silent_sign_in,
            audience_param,
            dpop,
            pushed_authorization_requests,
            popup_timeout_secs,
            clock_leeway_secs,
            http_timeout_secs,
            silent_redirect_uri,
            token_mediation,
            token_mediation_fallback: token_mediation::fallback_allowed(fields)?,
        })
    }

    /// True for an Auth0 tenant.
    pub fn is_auth0(&self) -> bool {
        self.provider == ProviderKind::Auth0
    }

    /// True when a login needs the provider's discovery document, not Auth0's
    /// documented paths: a provider other than Auth0 (whose paths are not known
    /// without it), DPoP (only discovery says whether the provider takes proofs), and
    /// pushed requests unless `never` (only discovery says whether the tenant offers or
    /// requires them).
    pub fn needs_discovery(&self) -> bool {
        !self.is_auth0() || self.dpop || self.pushed_authorization_requests != PushMode::Never
    }

    /// The path of `redirect_uri`, where the provider sends the browser back: the
    /// library finishes logins there, whatever the app's routes are.
    pub fn callback_path(&self) -> &str {
        path_of(&self.redirect_uri)
    }

    /// The path of `silent_redirect_uri`, where the static silent-callback page must
    /// answer (never the app).
    pub fn silent_path(&self) -> &str {
        path_of(&self.silent_redirect_uri)
    }
}

/// The path of an absolute URL (`/` when it has none), without query or fragment.
pub fn path_of(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or("", |(_, rest)| rest);
    // The authority ends at the first `/`, `?` or `#`: a slash inside a query that
    // follows the host directly is not the path.
    let path = after_scheme
        .find(['/', '?', '#'])
        .map_or("", |at| &after_scheme[at..]);
    match path.split(['?', '#']).next() {
        Some(path) if !path.is_empty() => path,
        _ => "/",
    }
}

/// `redirect_uri` and `post_logout_redirect_uri` must be pages of this app: the
/// library finishes logins only on its own origin, and a logout must not be turned
/// into a redirect to anywhere.
fn check_on_origin(field: &'static str, url: &str, origin: &str) -> Result<(), ConfigError> {
    let rest = url.strip_prefix(origin).unwrap_or("-");
    let on_origin = rest.is_empty() || rest.starts_with('/');
    if !on_origin || url.contains('#') {
        return Err(ConfigError::Invalid {
            field,
            reason: "must be a URL on the app's own origin, without a fragment",
        });
    }
    // The origin itself passed the same rule as the provider's URLs when it is
    // https or loopback; plain http elsewhere would expose the code.
    check_provider_url(field, url).map_err(|_| ConfigError::Invalid {
        field,
        reason: "must be https:// (http:// only on loopback)",
    })
}

/// A whole number of seconds in `range`, `default` when absent.
fn seconds(
    fields: &Map<String, Value>,
    field: &'static str,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, ConfigError> {
    match fields.get(field) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|secs| u32::try_from(secs).ok())
            .filter(|secs| range.contains(secs))
            .ok_or(ConfigError::Invalid {
                field,
                reason: "must be a whole number of seconds within the documented range",
            }),
        Some(_) => Err(ConfigError::WrongType {
            field,
            expected: "a number",
        }),
    }
}

/// A prefix becomes part of storage keys and the names of a lock, a channel and a
/// database: a short, plain name.
fn check_storage_prefix(prefix: &str) -> Result<(), ConfigError> {
    let plain = prefix
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if !plain || prefix.len() > 64 {
        return Err(ConfigError::Invalid {
            field: "storage_prefix",
            reason: "must be at most 64 letters, digits, dots, dashes or underscores",
        });
    }
    Ok(())
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
pub fn check_provider_url(field: &'static str, url: &str) -> Result<(), ConfigError> {
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
    if !is_host_and_port(host) {
        return Err(ConfigError::Invalid {
            field,
            reason: "must name its host in ASCII (letters, digits, `-`, `.`; punycode for \
                     international names, brackets for IPv6) with an optional numeric port",
        });
    }
    Ok(())
}

/// `host` or `host:port` as a browser would take it without rewriting: a DNS name or
/// IPv4 address of ASCII letters, digits, `-` and `.`, or a bracketed IPv6 address;
/// the port all digits, at most 65535. (Found by fuzzing: `https://id.example^/` was
/// taken before.)
fn is_host_and_port(authority: &str) -> bool {
    let (host_ok, port) = if let Some(v6) = authority.strip_prefix('[') {
        let Some((address, after)) = v6.split_once(']') else {
            return false;
        };
        let port = match after {
            "" => None,
            after => match after.strip_prefix(':') {
                Some(port) => Some(port),
                None => return false,
            },
        };
        let address_ok = !address.is_empty()
            && address
                .chars()
                .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.'));
        (address_ok, port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        // A trailing dot (a fully qualified name) is the only empty label allowed.
        let name = host.strip_suffix('.').unwrap_or(host);
        let labels_ok = name.len() <= 253
            && name.split('.').all(|label| {
                (1..=63).contains(&label.len())
                    && !label.starts_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        // A name ending in a number is read as an IPv4 address by browsers (WHATWG
        // URL): only the plain dotted quad is taken.
        let last = name.rsplit('.').next().unwrap_or("");
        let numeric = last.bytes().all(|b| b.is_ascii_digit())
            || last.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("0x"));
        let address_ok = !numeric || name.parse::<std::net::Ipv4Addr>().is_ok();
        (!name.is_empty() && labels_ok && address_ok, port)
    };
    let port_ok = port.is_none_or(|port| {
        (1..=5).contains(&port.len())
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| p <= 65_535)
    });
    host_ok && port_ok
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

/// The value `field` names among `choices`, `default` when it is absent.
fn one_of<T: Copy>(
    fields: &Map<String, Value>,
    field: &'static str,
    default: T,
    choices: &[(&str, T)],
    reason: &'static str,
) -> Result<T, ConfigError> {
    let Some(given) = optional_string(fields, field)? else {
        return Ok(default);
    };
    choices
        .iter()
        .find(|(name, _)| *name == given)
        .map(|(_, value)| *value)
        .ok_or(ConfigError::Invalid { field, reason })
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_path_of_a_url_ends_its_authority_at_a_query_or_fragment() {
        assert_eq!(path_of("https://app.example/callback?code=c"), "/callback");
        assert_eq!(path_of("https://app.example"), "/");
        assert_eq!(path_of("https://app.example/"), "/");
        assert_eq!(path_of("https://app.example?next=/admin"), "/");
        assert_eq!(path_of("https://app.example#/route"), "/");
    }
    use super::*;

    const ORIGIN: &str = "http://127.0.0.1:8080";

    fn parse(json: &str) -> Result<AuthConfig, ConfigError> {
        AuthConfig::from_json(json, ORIGIN)
    }

    #[test]
    fn only_an_auth0_tenant_without_dpop_or_pushing_does_without_discovery() {
        let tenant = r#""domain":"tenant.eu.auth0.com","client_id":"abc""#;
        let without = parse(&format!(
            r#"{{{tenant},"pushed_authorization_requests":"never"}}"#
        ))
        .unwrap();
        assert!(!without.needs_discovery());
        for extra in [
            r#","pushed_authorization_requests":"never","dpop":true"#,
            r#","pushed_authorization_requests":"auto""#,
            "",
        ] {
            let config = parse(&format!("{{{tenant}{extra}}}")).unwrap();
            assert!(config.needs_discovery(), "{extra}");
        }
        let generic =
            parse(r#"{"issuer":"https://id.example/","client_id":"abc","pushed_authorization_requests":"never"}"#)
                .unwrap();
        assert!(generic.needs_discovery());
    }

    #[test]
    fn auth0_domain_gives_issuer_with_slash_and_auth0_paths() {
        let config = parse(r#"{"domain":"tenant.eu.auth0.com","client_id":"abc"}"#).unwrap();
        assert_eq!(config.issuer, "https://tenant.eu.auth0.com/");
        assert_eq!(config.provider, ProviderKind::Auth0);
        assert_eq!(config.endpoint_overrides, EndpointOverrides::default());
        assert_eq!(config.storage_prefix, "leptos-pkce.abc");
        assert_eq!(config.clock_leeway_secs, 60);
        assert_eq!(config.http_timeout_secs, 20);
        assert_eq!(config.popup_timeout_secs, 300);
        assert!(!config.dpop, "DPoP is opt-in");
        assert_eq!(config.audience_param, AudienceParam::Audience);
        assert_eq!(config.callback_path(), "/callback");
        assert_eq!(config.redirect_uri, "http://127.0.0.1:8080/callback");
        assert_eq!(config.post_logout_redirect_uri, "http://127.0.0.1:8080/");
        assert_eq!(config.refresh_token_storage, RefreshTokenStorage::Memory);
        assert!(!config.federated_logout);
        assert_eq!(config.scope, "openid profile email");
        assert_eq!(config.audience, None);
    }

    #[test]
    fn issuer_is_kept_exactly_and_endpoints_can_be_overridden() {
        let config = parse(
            r#"{"issuer":"https://id.example/realms/x","client_id":"c",
                "token_endpoint":"https://id.example/realms/x/token",
                "redirect_uri":"http://127.0.0.1:8080/auth/cb","scope":"profile",
                "audience":"https://api.example","api_url":"the app's own field, ignored"}"#,
        )
        .unwrap();
        assert_eq!(config.issuer, "https://id.example/realms/x");
        assert_eq!(config.provider, ProviderKind::Generic);
        assert_eq!(
            config.endpoint_overrides.token.as_deref(),
            Some("https://id.example/realms/x/token")
        );
        assert_eq!(config.endpoint_overrides.authorization, None);
        assert_eq!(config.redirect_uri, "http://127.0.0.1:8080/auth/cb");
        assert_eq!(config.callback_path(), "/auth/cb");
        assert_eq!(config.scope, "openid profile");
        assert_eq!(config.audience.as_deref(), Some("https://api.example"));
    }

    #[test]
    fn the_silent_page_and_the_callback_are_two_paths() {
        let same = parse(
            r#"{"domain":"t.auth0.com","client_id":"c",
                "silent_redirect_uri":"http://127.0.0.1:8080/callback?silent"}"#,
        );
        assert!(
            matches!(
                same,
                Err(ConfigError::Invalid {
                    field: "silent_redirect_uri",
                    ..
                })
            ),
            "{same:?}"
        );
        let apart = parse(r#"{"domain":"t.auth0.com","client_id":"c"}"#).unwrap();
        assert_eq!(apart.silent_path(), "/silent-callback.html");
    }

    #[test]
    fn session_options() {
        let config = parse(
            r#"{"domain":"t.auth0.com","client_id":"c","refresh_token_storage":"indexed_db",
                "federated_logout":true,"storage_prefix":"my-app_2",
                "post_logout_redirect_uri":"http://127.0.0.1:8080/bye"}"#,
        )
        .unwrap();
        assert_eq!(config.refresh_token_storage, RefreshTokenStorage::IndexedDb);
        assert!(config.federated_logout);
        assert_eq!(config.storage_prefix, "my-app_2");
        assert_eq!(config.post_logout_redirect_uri, "http://127.0.0.1:8080/bye");
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
        for prefix in ["has space", "a/b", &"x".repeat(65)] {
            let json = format!(
                r#"{{"domain":"t.auth0.com","client_id":"c","storage_prefix":"{prefix}"}}"#
            );
            assert!(
                matches!(
                    parse(&json),
                    Err(ConfigError::Invalid {
                        field: "storage_prefix",
                        ..
                    })
                ),
                "{prefix}"
            );
        }
    }

    #[test]
    fn pushing_is_automatic_unless_set_and_an_unknown_word_is_refused() {
        let base = r#""domain":"t.auth0.com","client_id":"c""#;
        for (value, mode) in [
            ("", PushMode::Auto),
            (r#","pushed_authorization_requests":"auto""#, PushMode::Auto),
            (
                r#","pushed_authorization_requests":"always""#,
                PushMode::Always,
            ),
            (
                r#","pushed_authorization_requests":"never""#,
                PushMode::Never,
            ),
        ] {
            let config = parse(&format!("{{{base}{value}}}")).unwrap();
            assert_eq!(config.pushed_authorization_requests, mode, "{value}");
        }
        for value in [r#""yes""#, r#""Always""#, "true"] {
            let json = format!(r#"{{{base},"pushed_authorization_requests":{value}}}"#);
            assert!(
                matches!(
                    parse(&json),
                    Err(ConfigError::Invalid {
                        field: "pushed_authorization_requests",
                        ..
                    } | ConfigError::WrongType {
                        field: "pushed_authorization_requests",
                        ..
                    })
                ),
                "{value}"
            );
        }
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
            r#"{"issuer":"https://id.example^/","client_id":"c"}"#,
            r#"{"issuer":"https://id..example/","client_id":"c"}"#,
            r#"{"issuer":"https://-id.example/","client_id":"c"}"#,
            r#"{"issuer":"https://id.example:99999/","client_id":"c"}"#,
            r#"{"issuer":"https://id.example:/","client_id":"c"}"#,
            r#"{"issuer":"https://id.example:8a/","client_id":"c"}"#,
            r#"{"issuer":"https://[::1/","client_id":"c"}"#,
            r#"{"issuer":"https://[::1]x/","client_id":"c"}"#,
            r#"{"issuer":"https://bücher.example/","client_id":"c"}"#,
            r#"{"issuer":"https://id.example.55555/","client_id":"c"}"#,
            r#"{"issuer":"https://127.1/","client_id":"c"}"#,
            r#"{"issuer":"https://id.0x1f/","client_id":"c"}"#,
            r#"{"issuer":"https://999.1.1.1/","client_id":"c"}"#,
        ] {
            assert!(
                matches!(parse(json), Err(ConfigError::Invalid { .. })),
                "{json}"
            );
        }
    }

    #[test]
    fn hosts_are_taken_as_a_browser_takes_them() {
        for issuer in [
            "https://id.example/",
            "https://id.example.:8443/realms/x",
            "https://xn--bcher-kva.example/",
            "http://127.0.0.1:4000/",
            "http://[::1]:4000/",
            "https://[2001:db8::1]/",
            "https://10.0.0.7:8443/",
            "https://1password.example/",
        ] {
            let json = format!(r#"{{"issuer":"{issuer}","client_id":"c"}}"#);
            assert!(parse(&json).is_ok(), "{issuer}");
        }
    }

    #[test]
    fn clock_leeway_is_bounded() {
        let with = |value: &str| {
            parse(&format!(
                r#"{{"domain":"t.auth0.com","client_id":"c","clock_leeway_secs":{value}}}"#
            ))
        };
        assert_eq!(with("0").unwrap().clock_leeway_secs, 0);
        assert_eq!(with("600").unwrap().clock_leeway_secs, 600);
        for bad in ["601", "-1", "1.5"] {
            assert!(
                matches!(
                    with(bad),
                    Err(ConfigError::Invalid {
                        field: "clock_leeway_secs",
                        ..
                    })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            with("\"60\""),
            Err(ConfigError::WrongType {
                field: "clock_leeway_secs",
                ..
            })
        ));
        let timeout = |value: &str| {
            parse(&format!(
                r#"{{"domain":"t.auth0.com","client_id":"c","http_timeout_secs":{value}}}"#
            ))
        };
        assert_eq!(timeout("5").unwrap().http_timeout_secs, 5);
        for bad in ["0", "121", "4294967297"] {
            assert!(
                matches!(
                    timeout(bad),
                    Err(ConfigError::Invalid {
                        field: "http_timeout_secs",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn redirect_targets_must_be_pages_of_this_app() {
        for (field, json) in [
            (
                "redirect_uri",
                r#""redirect_uri":"https://evil.example/callback""#,
            ),
            (
                "redirect_uri",
                r#""redirect_uri":"http://127.0.0.1:80801/callback""#,
            ),
            (
                "redirect_uri",
                r#""redirect_uri":"http://127.0.0.1:8080/callback#x""#,
            ),
            (
                "redirect_uri",
                r#""redirect_uri":"http://127.0.0.1:8080/cb?x=1""#,
            ),
            (
                "post_logout_redirect_uri",
                r#""post_logout_redirect_uri":"https://evil.example/""#,
            ),
        ] {
            let json = format!(r#"{{"domain":"t.auth0.com","client_id":"c",{json}}}"#);
            assert!(
                matches!(parse(&json), Err(ConfigError::Invalid { field: f, .. }) if f == field),
                "{json}"
            );
        }
        let https = AuthConfig::from_json(
            r#"{"domain":"t.auth0.com","client_id":"c","redirect_uri":"https://app.example/a/b/callback"}"#,
            "https://app.example",
        )
        .unwrap();
        assert_eq!(https.callback_path(), "/a/b/callback");
        assert!(matches!(
            AuthConfig::from_json(
                r#"{"domain":"t.auth0.com","client_id":"c"}"#,
                "http://app.example"
            ),
            Err(ConfigError::Invalid {
                field: "redirect_uri",
                ..
            })
        ));
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
