//! A signed-in session: validated claims and the tokens, held in memory only.

pub mod logout;
pub mod schedule;
pub mod session_event;
pub mod silent;
pub mod userinfo;

use crate::id_token::claims::IdTokenClaims;
use crate::secret::{AccessToken, IdToken, RefreshToken};
use crate::token::TokenResponse;

fn expiry(now_ms: u64, expires_in: u64) -> u64 {
    now_ms.saturating_add(expires_in.saturating_mul(1000))
}

/// Seconds before the access token's expiry at which it is treated as stale, so a
/// request never leaves with a token that dies on the way. A token that lives less
/// than twice this long is stale after half its life instead: otherwise it would be
/// stale on arrival, and every request would renew it.
pub const EXPIRY_MARGIN_SECS: u64 = 30;

/// Who is signed in, and with what.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// The validated ID token claims: the user's profile.
    pub claims: IdTokenClaims,
    /// For `/userinfo` and APIs.
    pub access_token: AccessToken,
    /// Kept for `id_token_hint` at logout.
    pub id_token: IdToken,
    /// Present only with `offline_access`.
    pub refresh_token: Option<RefreshToken>,
    /// When the access token expires, milliseconds since the Unix epoch.
    pub expires_at_ms: u64,
    /// When the access token was received, milliseconds since the Unix epoch.
    pub received_at_ms: u64,
    /// The scope granted.
    pub scope: Option<String>,
    /// The access token is bound to this browser's DPoP key (`token_type: DPoP`).
    pub dpop_bound: bool,
}

impl Session {
    /// A session from a token response whose `id_token` gave `claims`, received at
    /// `now_ms`.
    pub fn new(
        tokens: TokenResponse,
        id_token: IdToken,
        claims: IdTokenClaims,
        now_ms: u64,
    ) -> Self {
        let dpop_bound = !tokens.is_bearer();
        Self {
            claims,
            access_token: tokens.access_token,
            id_token,
            refresh_token: tokens.refresh_token,
            expires_at_ms: expiry(now_ms, tokens.expires_in),
            received_at_ms: now_ms,
            dpop_bound,
            scope: tokens.scope,
        }
    }

    /// What a page in the token worker mode knows of a session: the verified claims,
    /// the expiry and the scope the worker handed it; no token (the access, ID and
    /// refresh tokens stay empty, and nothing in the page sends them: the worker
    /// attaches the access token itself).
    pub fn without_tokens(
        claims: IdTokenClaims,
        expires_at_ms: u64,
        scope: Option<String>,
        now_ms: u64,
    ) -> Self {
        Self {
            claims,
            access_token: AccessToken::new(String::new()),
            id_token: IdToken::new(String::new()),
            refresh_token: None,
            expires_at_ms,
            received_at_ms: now_ms,
            scope,
            dpop_bound: false,
        }
    }

    /// True when the ID token was issued by `issuer` to `client_id`: a session made
    /// before the configuration was loaded must match it.
    pub fn belongs_to(&self, issuer: &str, client_id: &str) -> bool {
        self.claims.iss == issuer && self.claims.aud.iter().any(|aud| aud == client_id)
    }

    /// Takes the answer to a refresh: the new access token, the rotated refresh token
    /// (the old one is spent; kept only if the provider does not rotate), and the new
    /// ID token's claims when one came.
    pub fn refreshed(
        mut self,
        tokens: TokenResponse,
        id_token: Option<(IdToken, IdTokenClaims)>,
        now_ms: u64,
    ) -> Self {
        self.dpop_bound = !tokens.is_bearer();
        self.access_token = tokens.access_token;
        self.expires_at_ms = expiry(now_ms, tokens.expires_in);
        self.received_at_ms = now_ms;
        if tokens.refresh_token.is_some() {
            self.refresh_token = tokens.refresh_token;
        }
        if let Some((token, claims)) = id_token {
            self.id_token = token;
            self.claims = claims;
        }
        if tokens.scope.is_some() {
            self.scope = tokens.scope;
        }
        self
    }

    /// How long before expiry the access token counts as stale: [`EXPIRY_MARGIN_SECS`],
    /// or half the token's life when that is shorter.
    fn margin_ms(&self) -> u64 {
        let lifetime = self.expires_at_ms.saturating_sub(self.received_at_ms);
        (EXPIRY_MARGIN_SECS * 1000).min(lifetime / 2)
    }

    /// When to renew the access token: when it goes stale.
    pub fn renew_at_ms(&self) -> u64 {
        self.expires_at_ms.saturating_sub(self.margin_ms())
    }

    /// The access token, if it is not stale yet.
    pub fn fresh_access_token(&self, now_ms: u64) -> Option<&AccessToken> {
        (now_ms < self.renew_at_ms()).then_some(&self.access_token)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::id_token::claims::{validate_id_token, ClaimsCheck};
    use crate::id_token::jwt::tests::token;
    use crate::id_token::jwt::DecodedJwt;
    use crate::secret::Nonce;

    fn claims(raw: &str, nonce: Option<&Nonce>) -> IdTokenClaims {
        let check = ClaimsCheck {
            issuer: "https://i/",
            client_id: "c",
            nonce,
            now_secs: 1_000,
            max_age: None,
            organization: None,
            acr_values: None,
            leeway_secs: 60,
            access_token: None,
        };
        let jwt = DecodedJwt::decode(raw)
            .unwrap()
            .insecure_assume_signature_verified();
        validate_id_token(jwt, &check).unwrap()
    }

    pub(crate) fn session(expires_in: u64, now_ms: u64) -> Session {
        let nonce = Nonce::new("n".into());
        let raw = token(
            r#"{"alg":"RS256"}"#,
            r#"{"iss":"https://i/","sub":"s","aud":"c","exp":2000000000,"iat":1,"nonce":"n"}"#,
        );
        let tokens = TokenResponse::parse(
            200,
            &format!(
                r#"{{"access_token":"at","id_token":"{raw}","token_type":"Bearer","expires_in":{expires_in}}}"#
            ),
        )
        .unwrap();
        let id_token = tokens.require_id_token().unwrap().clone();
        Session::new(tokens, id_token, claims(&raw, Some(&nonce)), now_ms)
    }

    #[test]
    fn belongs_only_to_its_issuer_and_client() {
        let session = session(60, 0);
        assert!(session.belongs_to("https://i/", "c"));
        assert!(!session.belongs_to("https://other/", "c"));
        assert!(
            !session.belongs_to("https://i", "c"),
            "issuers compare exactly"
        );
        assert!(!session.belongs_to("https://i/", "other-client"));
    }

    #[test]
    fn refresh_takes_the_rotated_token_and_new_claims() {
        let mut old = session(60, 0);
        old.refresh_token = Some(RefreshToken::new("rt-1".into()));
        let answer = |body: &str| TokenResponse::parse(200, body).unwrap();
        let rotated = old.clone().refreshed(
            answer(r#"{"access_token":"at-2","refresh_token":"rt-2","token_type":"Bearer","expires_in":120}"#),
            None,
            10_000,
        );
        assert_eq!(rotated.access_token.secret(), "at-2");
        assert_eq!(rotated.refresh_token.as_ref().unwrap().secret(), "rt-2");
        assert_eq!(rotated.expires_at_ms, 130_000);
        assert_eq!(rotated.renew_at_ms(), 100_000);
        assert_eq!(rotated.claims, old.claims);

        let raw = token(
            r#"{"alg":"RS256"}"#,
            r#"{"iss":"https://i/","sub":"s","aud":"c","exp":2000000000,"iat":2,"name":"New"}"#,
        );
        let not_rotated = old.clone().refreshed(
            answer(r#"{"access_token":"at-3","token_type":"Bearer"}"#),
            Some((IdToken::new(raw.clone()), claims(&raw, None))),
            0,
        );
        assert_eq!(not_rotated.refresh_token.unwrap().secret(), "rt-1");
        assert_eq!(not_rotated.claims.name.as_deref(), Some("New"));
        assert_eq!(not_rotated.id_token.secret(), raw);
    }

    #[test]
    fn expiry_is_counted_from_receipt() {
        assert_eq!(session(3600, 5_000).expires_at_ms, 5_000 + 3_600_000);
    }

    #[test]
    fn access_token_goes_stale_before_it_expires() {
        let s = session(120, 0);
        assert!(s.fresh_access_token(0).is_some());
        assert!(s.fresh_access_token(89_999).is_some());
        assert!(s.fresh_access_token(90_000).is_none());
        assert!(s.fresh_access_token(200_000).is_none());
        let short = session(10, 0);
        assert!(
            short.fresh_access_token(4_999).is_some(),
            "a token shorter than twice the margin is fresh for half its life"
        );
        assert!(short.fresh_access_token(5_000).is_none());
        assert_eq!(short.renew_at_ms(), 5_000);
        assert_eq!(
            session(0, 7).renew_at_ms(),
            7,
            "no life at all: stale at once"
        );
    }

    #[test]
    fn huge_lifetimes_do_not_overflow() {
        assert_eq!(session(u64::MAX, 1).expires_at_ms, u64::MAX);
    }

    #[test]
    fn debug_hides_tokens() {
        let debug = format!("{:?}", session(60, 0));
        assert!(!debug.contains("\"at\""), "{debug}");
    }
}
