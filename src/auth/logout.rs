//! Where the browser goes to end the provider's session: RP-initiated logout
//! (OpenID Connect RP-Initiated Logout 1.0) or Auth0's `/v2/logout`.

use super::config::AuthConfig;
use super::discovery::ProviderMetadata;
use super::form;
use super::secret::IdToken;

/// The provider logout URL. `id_token` is the last ID token, sent as `id_token_hint`
/// so the provider knows whose session to end without asking.
pub fn logout_url(
    config: &AuthConfig,
    metadata: &ProviderMetadata,
    id_token: Option<&IdToken>,
) -> String {
    match &metadata.end_session_endpoint {
        Some(endpoint) => {
            let mut pairs = vec![
                ("client_id", config.client_id.as_str()),
                (
                    "post_logout_redirect_uri",
                    config.post_logout_redirect_uri.as_str(),
                ),
            ];
            if let Some(token) = id_token {
                pairs.insert(0, ("id_token_hint", token.secret()));
            }
            join(endpoint, &form::encode_pairs(pairs))
        }
        None => {
            let mut pairs = vec![
                ("client_id", config.client_id.as_str()),
                ("returnTo", config.post_logout_redirect_uri.as_str()),
            ];
            if config.federated_logout {
                pairs.push(("federated", ""));
            }
            let endpoint = format!("{}/v2/logout", config.issuer.trim_end_matches('/'));
            join(&endpoint, &form::encode_pairs(pairs))
        }
    }
}

fn join(endpoint: &str, query: &str) -> String {
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    format!("{endpoint}{separator}{query}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::form::QueryParams;

    fn config() -> AuthConfig {
        AuthConfig::from_json(
            r#"{"domain":"t.auth0.com","client_id":"c1"}"#,
            "https://app.example",
        )
        .unwrap()
    }

    #[test]
    fn rp_initiated_logout_when_discovered() {
        let config = config();
        let mut metadata = ProviderMetadata::auth0_paths(&config);
        metadata.end_session_endpoint = Some("https://t.auth0.com/oidc/logout".into());
        let url = logout_url(&config, &metadata, Some(&IdToken::new("a.b.c".into())));
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
    fn auth0_v2_logout_otherwise() {
        let mut config = config();
        let metadata = ProviderMetadata::auth0_paths(&config);
        assert_eq!(
            logout_url(&config, &metadata, None),
            "https://t.auth0.com/v2/logout?client_id=c1&returnTo=https%3A%2F%2Fapp.example%2F"
        );
        config.federated_logout = true;
        assert!(logout_url(&config, &metadata, None).ends_with("&federated="));
    }
}
