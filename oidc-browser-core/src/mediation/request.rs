//! What the service worker does with a request a page makes: the one rule that decides
//! whether a token goes with it. Run for every request of every page the worker
//! controls, before anything leaves the browser.
//!
//! - A navigation goes out as made: its answer is a page, never readable by script,
//!   and never carries a token.
//! - To the provider's endpoint origins (token, revocation, and any alias given), a
//!   page may only read (`GET`, `HEAD`: discovery, the key set), and not even that at
//!   the token or revocation path, however spelled (`/OAuth/Token/`, `%74oken`).
//!   Anything else is refused: in this mode only the worker redeems codes and refresh
//!   tokens, so a page never sees a token answer. This is a tripwire, not a wall: a
//!   script in the page can still send what it reads (the code in the address bar) to
//!   its own server, which passes (see [`super`]).
//! - An http(s) URL whose origin cannot be read the way a browser serializes one
//!   (credentials in it, a backslash) is refused: it is no request of the app's.
//! - To `userinfo` (a `GET` at its URL) and to a listed API origin, the worker sets
//!   `Authorization` itself: what the page set there (and in `DPoP`) is dropped, never
//!   passed on. The worker sends these with `redirect: "manual"`, so a redirect never
//!   carries the token anywhere this rule was not asked about.
//! - Anything else goes out as made, with no token: the page has none to give.

use super::api_origins::{origin_of, ApiOrigins};
use crate::config::{path_of, ConfigError};

/// What the worker does with a page's request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestVerdict {
    /// Out as the page made it, no token.
    PassThrough,
    /// Out with the worker's token in `Authorization` (and its DPoP proof), the page's
    /// own `Authorization` and `DPoP` headers dropped; without them when signed out.
    AttachToken,
    /// Not sent: the page answered with an error (only the worker talks to the
    /// provider's token and revocation endpoints).
    Refuse,
}

/// A request as the worker's `fetch` event shows it.
#[derive(Clone, Copy, Debug)]
pub struct PageRequest<'a> {
    /// The absolute URL, as the browser serialized it.
    pub url: &'a str,
    /// The method, as the browser normalized it (`GET`, `POST`, …).
    pub method: &'a str,
    /// True for a navigation (`request.mode == "navigate"`).
    pub navigation: bool,
}

/// The rule for one configuration: the API allow-list and the provider's endpoints.
#[derive(Clone, Debug)]
pub struct MediationRules {
    api_origins: ApiOrigins,
    provider_origins: Vec<String>,
    guarded_paths: Vec<(String, String)>,
    userinfo: Option<(String, String)>,
}

impl MediationRules {
    /// The rule for `api_origins` and the provider's endpoints (from discovery, or the
    /// configuration's overrides): `guarded` lists the endpoints only the worker may
    /// call (the token endpoint, the revocation endpoint, their `mtls_endpoint_aliases`,
    /// another domain of the same provider's), `userinfo` the one a page's `GET` gets
    /// the token at.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] on `api_origins` when it lists the origin of a guarded
    /// endpoint (a page request there would carry a token to where codes are
    /// redeemed), or on `token_endpoint` when an endpoint is not a URL whose origin
    /// this rule can compare (an IPv6 literal other than `[::1]`, credentials).
    pub fn new(
        api_origins: ApiOrigins,
        guarded: &[&str],
        userinfo: Option<&str>,
    ) -> Result<Self, ConfigError> {
        let unreadable = ConfigError::Invalid {
            field: "token_endpoint",
            reason: "must be an https:// URL with a DNS name, IPv4 address or [::1] as host",
        };
        let mut guarded_paths = Vec::with_capacity(guarded.len());
        for endpoint in guarded {
            let origin = comparable_origin(endpoint).ok_or(unreadable.clone())?;
            if api_origins.admits(endpoint) {
                return Err(ConfigError::Invalid {
                    field: "api_origins",
                    reason: "must not list the origin of the provider's token or revocation \
                             endpoint (only the worker talks to it; userinfo gets its token \
                             without it)",
                });
            }
            guarded_paths.push((origin, loose_path(endpoint)));
        }
        let userinfo = match userinfo {
            Some(url) => Some((
                comparable_origin(url).ok_or(unreadable)?,
                path_of(url).to_owned(),
            )),
            None => None,
        };
        let mut provider_origins: Vec<String> = guarded_paths
            .iter()
            .map(|(origin, _)| origin.clone())
            .collect();
        provider_origins.dedup();
        Ok(Self {
            api_origins,
            provider_origins,
            guarded_paths,
            userinfo,
        })
    }

    /// The API origins the worker attaches the token for.
    pub fn api_origins(&self) -> &ApiOrigins {
        &self.api_origins
    }

    /// The origins of the endpoints only the worker may call.
    pub fn guarded_origins(&self) -> impl Iterator<Item = &str> {
        self.provider_origins.iter().map(String::as_str)
    }

    /// The verdict on `request` (see the module's rules).
    pub fn verdict(&self, request: PageRequest<'_>) -> RequestVerdict {
        if request.navigation {
            return RequestVerdict::PassThrough;
        }
        let reading = matches!(request.method, "GET" | "HEAD");
        let Some(origin) = origin_of(request.url) else {
            let scheme = request.url.split(':').next().unwrap_or_default();
            return if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
                RequestVerdict::Refuse
            } else {
                // `data:`, `blob:`: never a token, and nothing of the provider's.
                RequestVerdict::PassThrough
            };
        };
        let origin = origin.trim_end_matches('.').to_owned();
        if reading
            && self
                .userinfo
                .as_ref()
                .is_some_and(|(userinfo_origin, path)| {
                    *userinfo_origin == origin && *path == path_of(request.url)
                })
        {
            return RequestVerdict::AttachToken;
        }
        if self.provider_origins.contains(&origin) {
            let path = loose_path(request.url);
            let guarded = self
                .guarded_paths
                .iter()
                .any(|(guarded_origin, guarded_path)| {
                    *guarded_origin == origin && (*guarded_path == path || path.contains('%'))
                });
            return if reading && !guarded {
                RequestVerdict::PassThrough
            } else {
                RequestVerdict::Refuse
            };
        }
        if self.api_origins.admits(request.url) {
            RequestVerdict::AttachToken
        } else {
            RequestVerdict::PassThrough
        }
    }
}

/// The origin of an endpoint as this rule compares it (a trailing dot dropped), `None`
/// for one it cannot compare with what a browser sends (an IPv6 literal other than
/// `[::1]`, which browsers rewrite to their canonical form).
fn comparable_origin(url: &str) -> Option<String> {
    let origin = origin_of(url)?;
    let host = origin.split_once("://").map_or("", |(_, host)| host);
    if host.starts_with('[') && !host.starts_with("[::1]") {
        return None;
    }
    Some(origin.trim_end_matches('.').to_owned())
}

/// [`path_of`] as servers may route it: lower case, without trailing slashes.
fn loose_path(url: &str) -> String {
    let path = path_of(url).to_ascii_lowercase();
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        trimmed.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RequestVerdict::{AttachToken, PassThrough, Refuse};

    fn rules() -> MediationRules {
        MediationRules::new(
            ApiOrigins::parse(
                "api_origins",
                &["https://api.example", "http://localhost:8081"],
            )
            .unwrap(),
            &[
                "https://id.example/oauth/token",
                "https://id.example/oauth/revoke",
            ],
            Some("https://ID.example:443/userinfo"),
        )
        .unwrap()
    }

    fn fetch(method: &str, url: &str) -> RequestVerdict {
        rules().verdict(PageRequest {
            url,
            method,
            navigation: false,
        })
    }

    #[test]
    fn a_listed_api_gets_the_token_with_any_method_and_path() {
        assert_eq!(
            fetch("GET", "https://api.example/orders?page=2"),
            AttachToken
        );
        assert_eq!(fetch("DELETE", "https://api.example/orders/7"), AttachToken);
        assert_eq!(fetch("POST", "http://localhost:8081/"), AttachToken);
    }

    #[test]
    fn no_other_origin_gets_a_token() {
        for url in [
            "https://api.example.evil/",
            "https://evil.example/?to=https://api.example",
            "http://api.example/",
            "https://cdn.example/app.js",
            "data:text/plain,x",
            "blob:https://app.example/1",
        ] {
            assert_eq!(fetch("GET", url), PassThrough, "{url}");
        }
    }

    #[test]
    fn a_page_can_read_discovery_and_keys_but_never_post_to_the_provider() {
        assert_eq!(
            fetch("GET", "https://id.example/.well-known/openid-configuration"),
            PassThrough
        );
        assert_eq!(
            fetch("GET", "https://id.example/.well-known/jwks.json"),
            PassThrough
        );
        // Any write, whatever the spelling of the host or the path.
        for url in [
            "https://id.example/oauth/token",
            "https://ID.example:443/OAuth/Token/",
            "https://id.example./oauth/token",
            "https://id.example/oauth/%74oken",
            "https://id.example/oauth/revoke",
            "https://id.example/anything-else",
        ] {
            for method in ["POST", "PUT", "patch"] {
                assert_eq!(fetch(method, url), Refuse, "{method} {url}");
            }
        }
    }

    #[test]
    fn userinfo_gets_the_token_on_a_get_at_its_exact_url_only() {
        assert_eq!(fetch("GET", "https://id.example/userinfo"), AttachToken);
        assert_eq!(fetch("GET", "https://id.example/userinfo?x=1"), AttachToken);
        assert_eq!(fetch("GET", "https://id.example/userinfo/x"), PassThrough);
        assert_eq!(fetch("POST", "https://id.example/userinfo"), Refuse);
    }

    #[test]
    fn a_navigation_never_carries_a_token_and_is_never_refused() {
        for url in ["https://api.example/", "https://id.example/oauth/token"] {
            let verdict = rules().verdict(PageRequest {
                url,
                method: "POST",
                navigation: true,
            });
            assert_eq!(verdict, PassThrough, "{url}");
        }
    }

    #[test]
    fn listing_the_providers_token_origin_as_an_api_is_refused_by_name() {
        let error = MediationRules::new(
            ApiOrigins::parse("api_origins", &["https://id.example"]).unwrap(),
            &["https://id.example/oauth/token"],
            None,
        )
        .unwrap_err();
        assert!(error.to_string().contains("`api_origins`"), "{error}");
    }

    #[test]
    fn not_even_a_get_reaches_the_token_or_revocation_path() {
        for url in [
            "https://id.example/oauth/token?grant_type=authorization_code&code=c",
            "https://id.example/OAUTH/TOKEN/",
            "https://id.example/oauth/%74oken",
            "https://id.example./oauth/token",
            "https://id.example/oauth/revoke",
        ] {
            assert_eq!(fetch("GET", url), Refuse, "{url}");
        }
    }

    #[test]
    fn an_http_url_whose_origin_cannot_be_read_is_refused() {
        for url in [
            "https://x@id.example/oauth/token",
            "https://x@api.example/",
            "HTTPS://a.example\\@id.example/",
        ] {
            assert_eq!(fetch("POST", url), Refuse, "{url}");
            assert_eq!(fetch("GET", url), Refuse, "{url}");
        }
    }

    #[test]
    fn an_alias_of_the_token_endpoint_is_guarded_like_it() {
        let rules = MediationRules::new(
            ApiOrigins::default(),
            &[
                "https://id.example/oauth/token",
                "https://mtls.id.example/oauth/token",
            ],
            None,
        )
        .unwrap();
        let verdict = rules.verdict(PageRequest {
            url: "https://mtls.id.example/oauth/token",
            method: "POST",
            navigation: false,
        });
        assert_eq!(verdict, Refuse);
    }

    #[test]
    fn an_endpoint_whose_origin_cannot_be_compared_is_refused_by_name() {
        for endpoint in [
            "https://[0:0::1]/token",
            "https://u@id.example/token",
            "token",
        ] {
            let error = MediationRules::new(ApiOrigins::default(), &[endpoint], None).unwrap_err();
            assert!(
                error.to_string().contains("`token_endpoint`"),
                "{endpoint}: {error}"
            );
        }
    }
}
