//! Access tokens per API: which token a caller asks for (an audience and a scope), the
//! key it is cached under, and the refresh grant that obtains it (Auth0's
//! Multi-Resource Refresh Tokens name `audience`; RFC 8707 names `resource`).

use crate::config::{AudienceParam, AuthConfig};
use crate::form;
use crate::secret::{AccessToken, RefreshToken};
use crate::session::Session;
use crate::token::TokenResponse;

/// Which access token a caller wants: for which API and with which scope. `None`
/// fields mean the configured ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenRequest {
    /// The API's identifier (Auth0 `audience`, RFC 8707 `resource`).
    pub audience: Option<String>,
    /// The scope to ask for, space-separated.
    pub scope: Option<String>,
}

impl TokenRequest {
    /// A token for `audience` with the configured scope.
    pub fn for_audience(audience: impl Into<String>) -> Self {
        Self {
            audience: Some(audience.into()),
            scope: None,
        }
    }
}

/// What a cached token is filed under: the audience (empty for none) and the scope
/// as a sorted set, so `"b a"` and `"a  b"` are one key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenKey {
    /// The audience, or empty.
    pub audience: String,
    /// The scope, sorted, without repeats, space-separated.
    pub scope: String,
}

impl TokenKey {
    /// The key of `request` under `config`'s defaults.
    pub fn of(config: &AuthConfig, request: &TokenRequest) -> Self {
        let audience = request
            .audience
            .as_deref()
            .or(config.audience.as_deref())
            .unwrap_or("")
            .to_owned();
        let scope = request.scope.as_deref().unwrap_or(&config.scope);
        let mut scopes: Vec<&str> = scope.split_whitespace().collect();
        scopes.sort_unstable();
        scopes.dedup();
        Self {
            audience,
            scope: scopes.join(" "),
        }
    }

    /// The key of the configured audience and scope: the session's own token.
    pub fn default_for(config: &AuthConfig) -> Self {
        Self::of(config, &TokenRequest::default())
    }
}

/// The form-encoded body that spends a refresh token for new tokens (RFC 6749
/// section 6) for `key`: names the audience (as `audience` or `resource`, per
/// the configuration) and the scope, so the provider issues a token for that API.
pub fn refresh_body_for(
    config: &AuthConfig,
    refresh_token: &RefreshToken,
    key: &TokenKey,
) -> String {
    let audience_name = match config.audience_param {
        AudienceParam::Audience => "audience",
        AudienceParam::Resource => "resource",
    };
    let mut pairs = vec![
        ("grant_type", "refresh_token"),
        ("client_id", config.client_id.as_str()),
        ("refresh_token", refresh_token.secret()),
    ];
    if !key.audience.is_empty() {
        pairs.push((audience_name, key.audience.as_str()));
    }
    if !key.scope.is_empty() {
        pairs.push(("scope", key.scope.as_str()));
    }
    form::encode_pairs(pairs)
}

/// How new a token may be and still not be renewed when an API refuses it: 30 s.
pub const REFUSED_WHEN_NEW_MS: u64 = 30_000;

/// True when an API's refusal of a token received at `received_at_ms` is worth a
/// renewal: it is not one received moments ago ([`REFUSED_WHEN_NEW_MS`]). An API that
/// refuses fresh tokens would otherwise cost a refresh (a rotated token, or a hidden
/// frame) on every call, for ever.
pub fn worth_renewing_after_refusal(received_at_ms: u64, now_ms: u64) -> bool {
    now_ms.saturating_sub(received_at_ms) >= REFUSED_WHEN_NEW_MS
}

/// An access token for one API, as cached.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedToken {
    /// The token.
    pub access_token: AccessToken,
    /// When it was received, milliseconds since the Unix epoch.
    pub received_at_ms: u64,
    /// When it expires, milliseconds since the Unix epoch.
    pub expires_at_ms: u64,
    /// Bound to this browser's DPoP key.
    pub dpop_bound: bool,
}

impl CachedToken {
    /// The access token of a token answer received at `now_ms`.
    pub fn from_answer(tokens: &TokenResponse, now_ms: u64) -> Self {
        Self {
            access_token: tokens.access_token.clone(),
            received_at_ms: now_ms,
            expires_at_ms: now_ms.saturating_add(tokens.expires_in.saturating_mul(1000)),
            dpop_bound: !tokens.is_bearer(),
        }
    }

    /// The access token of a session (a login for this API).
    pub fn from_session(session: &Session) -> Self {
        Self {
            access_token: session.access_token.clone(),
            received_at_ms: session.received_at_ms,
            expires_at_ms: session.expires_at_ms,
            dpop_bound: session.dpop_bound,
        }
    }

    /// The token, unless it is stale at `now_ms` (the session's rule: stale
    /// [`crate::session::EXPIRY_MARGIN_SECS`] before expiry, or after half its life).
    pub fn fresh(&self, now_ms: u64) -> Option<&AccessToken> {
        let lifetime = self.expires_at_ms.saturating_sub(self.received_at_ms);
        let margin = (crate::session::EXPIRY_MARGIN_SECS * 1000).min(lifetime / 2);
        (now_ms < self.expires_at_ms.saturating_sub(margin)).then_some(&self.access_token)
    }
}

/// The access tokens of one signed-in session for APIs other than the configured one,
/// one per key. Emptied at sign-out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TokenCache(Vec<(TokenKey, CachedToken)>);

/// The most APIs one session keeps tokens for; the oldest entry makes room.
pub const MAX_CACHED_TOKENS: usize = 16;

impl TokenCache {
    /// The fresh token for `key` at `now_ms`.
    pub fn fresh(&self, key: &TokenKey, now_ms: u64) -> Option<&AccessToken> {
        self.entry(key).and_then(|token| token.fresh(now_ms))
    }

    /// The entry for `key`, fresh or not.
    pub fn entry(&self, key: &TokenKey) -> Option<&CachedToken> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, token)| token)
    }

    /// Files `token` under `key`, replacing the one there.
    pub fn insert(&mut self, key: TokenKey, token: CachedToken) {
        self.0.retain(|(k, _)| *k != key);
        if self.0.len() == MAX_CACHED_TOKENS {
            self.0.remove(0);
        }
        self.0.push((key, token));
    }

    /// Drops the token for `key` (an API refused it).
    pub fn remove(&mut self, key: &TokenKey) {
        self.0.retain(|(k, _)| k != key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_refused_moments_after_it_came_is_not_renewed_again() {
        assert!(!worth_renewing_after_refusal(
            1_000,
            1_000 + REFUSED_WHEN_NEW_MS - 1
        ));
        assert!(worth_renewing_after_refusal(
            1_000,
            1_000 + REFUSED_WHEN_NEW_MS
        ));
    }
    use crate::form::QueryParams;

    fn config(extra: &str) -> AuthConfig {
        AuthConfig::from_json(
            &format!(
                r#"{{"domain":"t.auth0.com","client_id":"c","audience":"https://api/one"{extra}}}"#
            ),
            "https://app.example",
        )
        .unwrap()
    }

    #[test]
    fn keys_fill_in_the_configured_defaults_and_ignore_scope_order() {
        let config = config("");
        let default = TokenKey::default_for(&config);
        assert_eq!(default.audience, "https://api/one");
        assert_eq!(default.scope, "email openid profile");
        let same = TokenKey::of(
            &config,
            &TokenRequest {
                audience: Some("https://api/one".into()),
                scope: Some("profile  openid email email".into()),
            },
        );
        assert_eq!(same, default);
        assert_ne!(
            TokenKey::of(&config, &TokenRequest::for_audience("https://api/two")),
            default
        );
    }

    #[test]
    fn refresh_body_is_form_encoded() {
        let config = AuthConfig::from_json(
            r#"{"domain":"t.auth0.com","client_id":"spa-dev"}"#,
            "https://app.example",
        )
        .unwrap();
        let no_api = TokenKey {
            audience: String::new(),
            scope: String::new(),
        };
        assert_eq!(
            refresh_body_for(&config, &RefreshToken::new("r/t+1".into()), &no_api),
            "grant_type=refresh_token&client_id=spa-dev&refresh_token=r%2Ft%2B1"
        );
    }

    #[test]
    fn the_refresh_grant_names_the_api_the_providers_way() {
        let rt = RefreshToken::new("rt".into());
        let key = TokenKey::of(
            &config(""),
            &TokenRequest {
                audience: Some("https://api/two".into()),
                scope: Some("read:invoices openid".into()),
            },
        );
        let auth0 = QueryParams::parse(&refresh_body_for(&config(""), &rt, &key)).unwrap();
        assert_eq!(auth0.get("grant_type"), Some("refresh_token"));
        assert_eq!(auth0.get("audience"), Some("https://api/two"));
        assert_eq!(auth0.get("scope"), Some("openid read:invoices"));
        assert_eq!(auth0.get("resource"), None);
        let rfc8707 = config(r#","audience_param":"resource""#);
        let q = QueryParams::parse(&refresh_body_for(&rfc8707, &rt, &key)).unwrap();
        assert_eq!(q.get("resource"), Some("https://api/two"));
        assert_eq!(q.get("audience"), None);
    }

    #[test]
    fn the_cache_hands_out_fresh_tokens_per_key_only() {
        let config = config("");
        let one = TokenKey::default_for(&config);
        let two = TokenKey::of(&config, &TokenRequest::for_audience("https://api/two"));
        let mut cache = TokenCache::default();
        let token = |name: &str| CachedToken {
            access_token: AccessToken::new(name.into()),
            received_at_ms: 0,
            expires_at_ms: 600_000,
            dpop_bound: false,
        };
        cache.insert(two.clone(), token("two"));
        assert_eq!(
            cache.fresh(&two, 1_000).map(AccessToken::secret),
            Some("two")
        );
        assert_eq!(cache.fresh(&one, 1_000), None);
        assert_eq!(cache.fresh(&two, 580_000), None, "stale 30 s before expiry");
        cache.insert(two.clone(), token("two again"));
        assert_eq!(
            cache.fresh(&two, 1_000).map(AccessToken::secret),
            Some("two again")
        );
        cache.remove(&two);
        assert_eq!(cache.fresh(&two, 1_000), None);
        for i in 0..=MAX_CACHED_TOKENS {
            let key = TokenKey::of(
                &config,
                &TokenRequest::for_audience(format!("https://api/{i}")),
            );
            cache.insert(key, token("t"));
        }
        assert_eq!(cache.0.len(), MAX_CACHED_TOKENS, "bounded");
    }
}
