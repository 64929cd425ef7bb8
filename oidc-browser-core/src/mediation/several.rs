//! The rule over several providers (an app with `provide_auths`): one worker holds
//! every provider's tokens, and a page's request carries at most one of them.
//!
//! - Every provider's rule hears every request: a page may not post to any provider's
//!   token or revocation endpoint, whichever provider's API it was calling.
//! - The API origins of two providers never meet (refused at the start), and no
//!   provider lists the origin of another's guarded endpoints: a request to an API
//!   carries the token of the one provider that lists it.
//! - A request that two providers' tokens could go with (two clients of one provider
//!   share a `userinfo` URL) carries neither: it is refused, never guessed. The page
//!   asks for user info through its provider's context instead.

use super::request::{MediationRules, PageRequest, RequestVerdict};
use crate::config::providers::ProvidersError;
use crate::config::ConfigError;

/// What the worker does with a page's request, among the providers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProvidersVerdict<'a> {
    /// Out as the page made it, no token.
    PassThrough,
    /// Out with this provider's token (its storage prefix), the page's own
    /// `Authorization` and `DPoP` dropped.
    AttachToken {
        /// The provider's storage prefix.
        provider: &'a str,
    },
    /// Not sent.
    Refuse,
}

/// One provider the worker serves.
#[derive(Clone, Debug)]
pub struct ProviderRule {
    /// Its name in `config.json`'s `providers`; `None` for the default one.
    pub name: Option<String>,
    /// Its storage prefix: whose tokens these are.
    pub prefix: String,
    /// Its rule.
    pub rules: MediationRules,
}

/// The rules of every provider the worker serves.
#[derive(Clone, Debug)]
pub struct ProviderRules {
    providers: Vec<ProviderRule>,
}

impl ProviderRules {
    /// The rules of `providers`, checked to keep their tokens apart.
    ///
    /// # Errors
    /// A [`ProvidersError`] on `api_origins`, naming the provider at fault, when it
    /// lists an origin another provider lists, or the origin of another provider's
    /// token or revocation endpoint.
    pub fn new(providers: Vec<ProviderRule>) -> Result<Self, ProvidersError> {
        for (index, provider) in providers.iter().enumerate() {
            let fault = |reason| {
                let error = ConfigError::Invalid {
                    field: "api_origins",
                    reason,
                };
                match &provider.name {
                    Some(name) => ProvidersError::in_provider(name, error),
                    None => error.into(),
                }
            };
            let own = provider.rules.api_origins();
            for (other_index, other) in providers.iter().enumerate() {
                if other_index == index {
                    continue;
                }
                if other
                    .rules
                    .guarded_origins()
                    .any(|origin| own.admits(&format!("{origin}/")))
                {
                    return Err(fault(
                        "must not list the origin of another provider's token or revocation \
                         endpoint",
                    ));
                }
                if other_index < index
                    && own
                        .iter()
                        .any(|origin| other.rules.api_origins().admits(&format!("{origin}/")))
                {
                    return Err(fault(
                        "lists an origin another provider lists: a request there could carry \
                         either's token",
                    ));
                }
            }
        }
        Ok(Self { providers })
    }

    /// The verdict on `request`: refused when any provider's rule refuses it, or when
    /// two providers' tokens could go with it; else the one provider's token, if any.
    pub fn verdict(&self, request: PageRequest<'_>) -> ProvidersVerdict<'_> {
        let mut attach = None;
        let mut ambiguous = false;
        for provider in &self.providers {
            match provider.rules.verdict(request) {
                RequestVerdict::Refuse => return ProvidersVerdict::Refuse,
                RequestVerdict::AttachToken => {
                    ambiguous |= attach.is_some();
                    attach = Some(provider.prefix.as_str());
                }
                RequestVerdict::PassThrough => {}
            }
        }
        match attach {
            _ if ambiguous => ProvidersVerdict::Refuse,
            Some(provider) => ProvidersVerdict::AttachToken { provider },
            None => ProvidersVerdict::PassThrough,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mediation::api_origins::ApiOrigins;

    fn rule(name: Option<&str>, prefix: &str, apis: &[&str], idp: &str) -> ProviderRule {
        let token = format!("{idp}/oauth/token");
        let revoke = format!("{idp}/oauth/revoke");
        let userinfo = format!("{idp}/userinfo");
        ProviderRule {
            name: name.map(str::to_owned),
            prefix: prefix.into(),
            rules: MediationRules::new(
                ApiOrigins::parse("api_origins", apis).unwrap(),
                &[&token, &revoke],
                Some(&userinfo),
            )
            .unwrap(),
        }
    }

    fn staff_and_shop() -> ProviderRules {
        ProviderRules::new(vec![
            rule(
                None,
                "staff",
                &["https://hr.example"],
                "https://staff.idp.example",
            ),
            rule(
                Some("shop"),
                "shop",
                &["https://orders.example"],
                "https://shop.idp.example",
            ),
        ])
        .unwrap()
    }

    fn fetch<'a>(rules: &'a ProviderRules, method: &str, url: &str) -> ProvidersVerdict<'a> {
        rules.verdict(PageRequest {
            url,
            method,
            navigation: false,
        })
    }

    #[test]
    fn each_api_gets_the_token_of_the_provider_that_lists_it_and_no_other() {
        let rules = staff_and_shop();
        assert_eq!(
            fetch(&rules, "GET", "https://hr.example/people"),
            ProvidersVerdict::AttachToken { provider: "staff" }
        );
        assert_eq!(
            fetch(&rules, "POST", "https://orders.example/"),
            ProvidersVerdict::AttachToken { provider: "shop" }
        );
        assert_eq!(
            fetch(&rules, "GET", "https://shop.idp.example/userinfo"),
            ProvidersVerdict::AttachToken { provider: "shop" }
        );
        assert_eq!(
            fetch(&rules, "GET", "https://cdn.example/app.js"),
            ProvidersVerdict::PassThrough
        );
    }

    #[test]
    fn no_page_posts_to_any_providers_token_endpoint() {
        let rules = staff_and_shop();
        for url in [
            "https://staff.idp.example/oauth/token",
            "https://shop.idp.example/oauth/token",
            "https://shop.idp.example/oauth/revoke",
        ] {
            assert_eq!(
                fetch(&rules, "POST", url),
                ProvidersVerdict::Refuse,
                "{url}"
            );
        }
        // The set-up: alone, the staff rule lets a post to the shop's provider pass.
        assert_eq!(
            staff_and_shop().providers[0].rules.verdict(PageRequest {
                url: "https://shop.idp.example/oauth/token",
                method: "POST",
                navigation: false,
            }),
            RequestVerdict::PassThrough
        );
    }

    #[test]
    fn a_request_two_providers_tokens_could_go_with_carries_neither() {
        // Two clients of one provider: one userinfo URL.
        let rules = ProviderRules::new(vec![
            rule(None, "a", &["https://a.example"], "https://idp.example"),
            rule(
                Some("b"),
                "b",
                &["https://b.example"],
                "https://idp.example",
            ),
        ])
        .unwrap();
        assert_eq!(
            fetch(&rules, "GET", "https://idp.example/userinfo"),
            ProvidersVerdict::Refuse
        );
        assert_eq!(
            fetch(&rules, "GET", "https://b.example/"),
            ProvidersVerdict::AttachToken { provider: "b" }
        );
    }

    #[test]
    fn providers_whose_api_origins_meet_or_reach_anothers_endpoints_are_refused() {
        let shared = ProviderRules::new(vec![
            rule(None, "a", &["https://api.example"], "https://a.idp.example"),
            rule(
                Some("b"),
                "b",
                &["https://api.example", "https://b.example"],
                "https://b.idp.example",
            ),
        ]);
        let error = shared.unwrap_err();
        assert_eq!(error.provider.as_deref(), Some("b"));
        assert!(error.to_string().contains("api_origins"), "{error}");
        let reaching = ProviderRules::new(vec![
            rule(
                None,
                "a",
                &["https://b.idp.example"],
                "https://a.idp.example",
            ),
            rule(
                Some("b"),
                "b",
                &["https://b.example"],
                "https://b.idp.example",
            ),
        ]);
        let error = reaching.unwrap_err();
        assert_eq!(error.provider, None);
        assert!(error.to_string().contains("token"), "{error}");
    }
}
