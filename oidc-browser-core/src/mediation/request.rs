//! What the service worker does with a request a page makes: the one rule that decides
//! whether a token goes with it. Run for every request of every page the worker
//! controls, before anything leaves the browser.
//!
//! - A navigation goes out as made: its answer is a page, never readable by script,
//!   and never carries a token.
//! - To the provider's token or revocation origin, a page may only read (`GET`,
//!   `HEAD`: discovery, the key set). Anything else is refused, whatever the path's
//!   spelling (`/OAuth/Token/`, `%74oken`): in this mode only the worker redeems codes
//!   and refresh tokens, so a script in the page cannot spend a code it read in the
//!   address bar, nor see a token answer.
//! - To `userinfo` (a `GET` at its exact URL) and to a listed API origin, the worker
//!   sets `Authorization` itself: what the page set there (and in `DPoP`) is dropped,
//!   never passed on.
//! - Anything else goes out as made, with no token: the page has none to give.

use super::api_origins::{origin_of, ApiOrigins};
use crate::config::ConfigError;

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
    userinfo: Option<String>,
}

impl MediationRules {
    /// The rule for `api_origins` and the provider's endpoints (from discovery, or the
    /// configuration's overrides).
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] on `api_origins` when it lists the origin of the token
    /// or revocation endpoint: a page request there would carry a token to where codes
    /// are redeemed, and must stay refused.
    pub fn new(
        api_origins: ApiOrigins,
        token_endpoint: &str,
        revocation_endpoint: Option<&str>,
        userinfo_endpoint: Option<&str>,
    ) -> Result<Self, ConfigError> {
        let provider_origins: Vec<String> = [Some(token_endpoint), revocation_endpoint]
            .into_iter()
            .flatten()
            .filter_map(origin_of)
            .collect();
        if provider_origins
            .iter()
            .any(|origin| api_origins.admits(origin))
        {
            return Err(ConfigError::Invalid {
                field: "api_origins",
                reason: "must not list the provider's token endpoint origin (only the \
                         worker talks to it; userinfo gets its token without it)",
            });
        }
        Ok(Self {
            api_origins,
            provider_origins,
            userinfo: userinfo_endpoint.map(without_query),
        })
    }

    /// The verdict on `request` (see the module's rules).
    pub fn verdict(&self, request: PageRequest<'_>) -> RequestVerdict {
        if request.navigation {
            return RequestVerdict::PassThrough;
        }
        let reading = matches!(request.method, "GET" | "HEAD");
        if reading
            && self
                .userinfo
                .as_deref()
                .is_some_and(|userinfo| without_query(request.url) == userinfo)
        {
            return RequestVerdict::AttachToken;
        }
        let Some(origin) = origin_of(request.url) else {
            // Not http(s) (`data:`, `blob:`): never a token, and nothing to refuse.
            return RequestVerdict::PassThrough;
        };
        if self.provider_origins.contains(&origin) {
            return if reading {
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

/// `url` without its query and fragment.
fn without_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or_default().to_owned()
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
            "https://id.example/oauth/token",
            Some("https://id.example/oauth/revoke"),
            Some("https://id.example/userinfo"),
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
        for url in [
            "https://id.example/oauth/token",
            "https://ID.example:443/OAuth/Token/",
            "https://id.example/oauth/%74oken",
            "https://id.example/oauth/revoke",
            "https://id.example/anything-else",
        ] {
            assert_eq!(fetch("POST", url), Refuse, "{url}");
            assert_eq!(fetch("PUT", url), Refuse, "{url}");
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
            "https://id.example/oauth/token",
            None,
            None,
        )
        .unwrap_err();
        assert!(error.to_string().contains("`api_origins`"), "{error}");
    }
}
