//! Where the browser goes to end the provider's session: RP-initiated logout
//! (OpenID Connect RP-Initiated Logout 1.0) or Auth0's `/v2/logout`.

use crate::authorization::return_to::ReturnTo;
use crate::config::{AuthConfig, ProviderKind};
use crate::form;
use crate::provider::discovery::ProviderMetadata;
use crate::secret::IdToken;
use crate::session::silent::origin_of;

/// Where signing out sends the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogoutTarget {
    /// The provider's logout page, which ends its session and comes back to
    /// `post_logout_redirect_uri`.
    Provider(String),
    /// The provider offers no logout endpoint: the app forgets the session, and the
    /// provider's own session may still be open (say so to the user).
    LocalOnly,
}

/// Per-call logout choices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogoutOptions {
    /// Only forget the session in this app (every tab); the provider's session stays.
    pub local_only: bool,
    /// Auth0: also sign out of the social identity provider; `None` keeps the
    /// configured `federated_logout`.
    pub federated: Option<bool>,
    /// The page of this app the provider sends the browser back to, instead of the
    /// configured `post_logout_redirect_uri` (Auth0 `returnTo`). The provider must list
    /// it among the client's allowed logout URLs. Only a path of this app: the
    /// provider's redirect is never pointed off the app's origin.
    pub return_to: Option<ReturnTo>,
}

/// Where to send the browser to end the provider's session. `id_token` is the last
/// ID token, sent as `id_token_hint` so the provider knows whose session to end
/// without asking.
///
/// The `end_session_endpoint` of discovery wins (OpenID Connect RP-Initiated Logout
/// 1.0); an Auth0 tenant without it (RP-initiated logout is off by default there)
/// uses Auth0's `/v2/logout`; any other provider without it has no way to end its
/// session from here, so logout is local only: `{issuer}/v2/logout` would be a page
/// that does not exist.
pub fn logout_target(
    config: &AuthConfig,
    metadata: &ProviderMetadata,
    id_token: Option<&IdToken>,
    options: LogoutOptions,
) -> LogoutTarget {
    if options.local_only {
        return LogoutTarget::LocalOnly;
    }
    let come_back = options.return_to.as_ref().map_or_else(
        || config.post_logout_redirect_uri.clone(),
        |path| {
            format!(
                "{}{}",
                origin_of(&config.post_logout_redirect_uri),
                path.as_str()
            )
        },
    );
    match (&metadata.end_session_endpoint, config.provider) {
        (Some(endpoint), _) => {
            let mut pairs = vec![
                ("client_id", config.client_id.as_str()),
                ("post_logout_redirect_uri", come_back.as_str()),
            ];
            if let Some(token) = id_token {
                pairs.insert(0, ("id_token_hint", token.secret()));
            }
            LogoutTarget::Provider(join(endpoint, &form::encode_pairs(pairs)))
        }
        (None, ProviderKind::Auth0) => {
            let mut pairs = vec![
                ("client_id", config.client_id.as_str()),
                ("returnTo", come_back.as_str()),
            ];
            if options.federated.unwrap_or(config.federated_logout) {
                pairs.push(("federated", ""));
            }
            let endpoint = format!("{}/v2/logout", config.issuer.trim_end_matches('/'));
            LogoutTarget::Provider(join(&endpoint, &form::encode_pairs(pairs)))
        }
        (None, ProviderKind::Generic) => LogoutTarget::LocalOnly,
    }
}

fn join(endpoint: &str, query: &str) -> String {
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    format!("{endpoint}{separator}{query}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::QueryParams;

    fn config() -> AuthConfig {
        AuthConfig::from_json(
            r#"{"domain":"t.auth0.com","client_id":"c1"}"#,
            "https://app.example",
        )
        .unwrap()
    }

    fn url(target: LogoutTarget) -> String {
        match target {
            LogoutTarget::Provider(url) => url,
            LogoutTarget::LocalOnly => panic!("expected a provider logout"),
        }
    }

    #[test]
    fn end_session_endpoint_wins_when_discovered() {
        let config = config();
        let mut metadata = ProviderMetadata::auth0_paths(&config);
        metadata.end_session_endpoint = Some("https://t.auth0.com/oidc/logout".into());
        let target = logout_target(
            &config,
            &metadata,
            Some(&IdToken::new("a.b.c".into())),
            LogoutOptions::default(),
        );
        let url = url(target);
        let (base, query) = url.split_once('?').unwrap();
        assert_eq!(base, "https://t.auth0.com/oidc/logout");
        let q = QueryParams::parse(query).unwrap();
        assert_eq!(q.get("id_token_hint"), Some("a.b.c"));
        assert_eq!(q.get("client_id"), Some("c1"));
        assert_eq!(
            q.get("post_logout_redirect_uri"),
            Some("https://app.example/")
        );
    }

    #[test]
    fn auth0_without_end_session_uses_v2_logout() {
        let mut config = config();
        let metadata = ProviderMetadata::auth0_paths(&config);
        let target =
            |config: &AuthConfig, options| url(logout_target(config, &metadata, None, options));
        assert_eq!(
            target(&config, LogoutOptions::default()),
            "https://t.auth0.com/v2/logout?client_id=c1&returnTo=https%3A%2F%2Fapp.example%2F"
        );
        config.federated_logout = true;
        assert!(target(&config, LogoutOptions::default()).ends_with("&federated="));
        let not_federated = LogoutOptions {
            federated: Some(false),
            ..LogoutOptions::default()
        };
        assert!(!target(&config, not_federated).contains("federated"));
    }

    #[test]
    fn a_generic_provider_without_end_session_signs_out_locally() {
        let config = AuthConfig::from_json(
            r#"{"issuer":"https://accounts.example","client_id":"c1"}"#,
            "https://app.example",
        )
        .unwrap();
        let mut metadata = ProviderMetadata::auth0_paths(&config);
        metadata.end_session_endpoint = None;
        assert_eq!(
            logout_target(&config, &metadata, None, LogoutOptions::default()),
            LogoutTarget::LocalOnly,
            "never {{issuer}}/v2/logout, a page a generic provider does not have"
        );
        metadata.end_session_endpoint = Some("https://accounts.example/logout".into());
        assert!(url(logout_target(
            &config,
            &metadata,
            None,
            LogoutOptions::default()
        ))
        .starts_with("https://accounts.example/logout?"));
    }

    #[test]
    fn a_return_page_per_call_stays_on_the_apps_origin() {
        let config = config();
        let options = LogoutOptions {
            return_to: Some(ReturnTo::parse("/goodbye?reason=idle").unwrap()),
            ..LogoutOptions::default()
        };
        let mut metadata = ProviderMetadata::auth0_paths(&config);
        let v2 = url(logout_target(&config, &metadata, None, options.clone()));
        let q = QueryParams::parse(v2.split_once('?').unwrap().1).unwrap();
        assert_eq!(
            q.get("returnTo"),
            Some("https://app.example/goodbye?reason=idle")
        );
        metadata.end_session_endpoint = Some("https://t.auth0.com/oidc/logout".into());
        let oidc = url(logout_target(&config, &metadata, None, options));
        let q = QueryParams::parse(oidc.split_once('?').unwrap().1).unwrap();
        assert_eq!(
            q.get("post_logout_redirect_uri"),
            Some("https://app.example/goodbye?reason=idle")
        );
    }

    #[test]
    fn local_only_never_leaves_the_app() {
        let config = config();
        let mut metadata = ProviderMetadata::auth0_paths(&config);
        metadata.end_session_endpoint = Some("https://t.auth0.com/oidc/logout".into());
        let local = LogoutOptions {
            local_only: true,
            ..LogoutOptions::default()
        };
        assert_eq!(
            logout_target(&config, &metadata, None, local),
            LogoutTarget::LocalOnly
        );
    }
}
