//! Renewing tokens with the refresh token, as pure rules: what the token endpoint's
//! answer means, which refresh token to keep, what a refreshed ID token must match,
//! and the session that results.

use crate::config::AuthConfig;
use crate::error::ProtocolError;
use crate::id_token::claims::{ClaimsCheck, IdTokenClaims};
use crate::secret::{IdToken, RefreshToken};
use crate::session::Session;
use crate::token::{TokenError, TokenResponse};

/// A usable answer to a refresh grant.
#[derive(Debug)]
pub struct RefreshAnswer {
    /// The new tokens (the ID token not yet verified).
    pub tokens: TokenResponse,
    /// The refresh token to keep from now on: the rotated one, or the one just used
    /// when the provider does not rotate. Store it before anything else can fail:
    /// with rotation the old one is already spent.
    pub keep: RefreshToken,
}

/// Reads the token endpoint's answer to a refresh grant that presented `spent`.
///
/// # Errors
/// [`ProtocolError::SessionEnded`] for `invalid_grant` (the refresh token is expired,
/// revoked or already used: it will never work again); the [`TokenError`] otherwise.
/// Which errors end the session is [`ProtocolError::ends_session`]'s rule.
pub fn read_refresh_answer(
    status: u16,
    body: &str,
    spent: RefreshToken,
) -> Result<RefreshAnswer, ProtocolError> {
    match TokenResponse::parse(status, body) {
        Ok(tokens) => {
            let keep = tokens.refresh_token.clone().unwrap_or(spent);
            Ok(RefreshAnswer { tokens, keep })
        }
        Err(TokenError::Server(error)) if error.error == "invalid_grant" => {
            Err(ProtocolError::SessionEnded)
        }
        Err(error) => Err(error.into()),
    }
}

/// A refresh token and the user (`sub`) it was issued for. A token is spent only for
/// its own user's session: in another tab a different user may have signed in since,
/// and their token is not this session's to spend, cache or forget.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedRefreshToken {
    /// The token.
    pub token: RefreshToken,
    /// The `sub` of the ID token of the login that got it.
    pub sub: String,
}

/// The refresh token as kept at rest (`indexed_db`): bound to the issuer and client
/// it was issued for, so a changed configuration never sends it to another provider,
/// and to its user.
pub fn stored_refresh_token(owned: &OwnedRefreshToken, issuer: &str, client_id: &str) -> String {
    serde_json::json!({
        "refresh_token": owned.token.secret(),
        "sub": owned.sub,
        "iss": issuer,
        "client_id": client_id,
    })
    .to_string()
}

/// The refresh token kept at rest, if it is a plausible token issued by `issuer` to
/// `client_id` for a named user. Anything else (another provider's, a value someone
/// else wrote, a bare string or a token without its user from an older version) is
/// `None`, to be removed.
pub fn read_stored_refresh_token(
    value: &str,
    issuer: &str,
    client_id: &str,
) -> Option<OwnedRefreshToken> {
    let stored: serde_json::Value = serde_json::from_str(value).ok()?;
    let field = |name| stored.get(name).and_then(serde_json::Value::as_str);
    let token = field("refresh_token")?;
    let sub = field("sub").filter(|sub| !sub.is_empty())?;
    let plausible =
        !token.is_empty() && token.len() <= 4096 && token.bytes().all(|b| b.is_ascii_graphic());
    (plausible && field("iss") == Some(issuer) && field("client_id") == Some(client_id)).then(
        || OwnedRefreshToken {
            token: RefreshToken::new(token.to_owned()),
            sub: sub.to_owned(),
        },
    )
}

/// The refresh token a renewal of `sub`'s session may spend (`None`: restoring after
/// a reload, any user's; the refreshed ID token must then name the same one).
///
/// # Errors
/// [`ProtocolError::SessionEnded`] when none is kept; [`ProtocolError::SubjectChanged`] when
/// the kept one is another user's (signed in in another tab): it is not spent, and
/// not this session's to forget.
pub fn spendable_refresh_token(
    kept: Option<OwnedRefreshToken>,
    sub: Option<&str>,
) -> Result<OwnedRefreshToken, ProtocolError> {
    let kept = kept.ok_or(ProtocolError::SessionEnded)?;
    match sub {
        Some(sub) if sub != kept.sub => Err(ProtocolError::SubjectChanged),
        _ => Ok(kept),
    }
}

/// What a finished login (at the callback, in a popup, or silently) does to the
/// refresh token kept so far.
#[derive(Debug, PartialEq)]
pub enum AfterLogin {
    /// Keep the login's new token, for its user.
    Store(OwnedRefreshToken),
    /// Leave the kept token: the login got none (a step-up for an API's own scope, a
    /// popup without `offline_access`, a provider that issues none on a silent
    /// exchange), and the kept one is the same user's.
    KeepKept,
    /// Forget the kept token: it is another user's, and the login got none.
    Forget,
}

/// The rule for [`AfterLogin`]: a login's refresh token replaces the kept one; a login
/// without one keeps the same user's token and forgets another user's.
pub fn refresh_token_after_login(
    kept_sub: Option<&str>,
    sub: &str,
    new: Option<RefreshToken>,
) -> AfterLogin {
    match (new, kept_sub) {
        (Some(token), _) => AfterLogin::Store(OwnedRefreshToken {
            token,
            sub: sub.to_owned(),
        }),
        (None, Some(kept)) if kept == sub => AfterLogin::KeepKept,
        (None, None) => AfterLogin::KeepKept,
        (None, Some(_)) => AfterLogin::Forget,
    }
}

/// True when a session of `sub` that ends may forget (and revoke) the kept token:
/// only its own, never the token of a user who signed in in another tab since.
pub fn may_forget_kept(kept_sub: Option<&str>, sub: Option<&str>) -> bool {
    match (kept_sub, sub) {
        (Some(kept), Some(sub)) => kept == sub,
        _ => true,
    }
}

/// What a refreshed ID token must match (OpenID Connect Core 12.2): the configured
/// issuer and client, no nonce (none was sent), the access token that came with it.
/// That it is about the same user, session and audience is [`accept_refresh`]'s.
pub fn refreshed_id_token_check<'a>(
    config: &'a AuthConfig,
    access_token: &'a str,
    now_secs: i64,
) -> ClaimsCheck<'a> {
    ClaimsCheck {
        issuer: &config.issuer,
        client_id: &config.client_id,
        nonce: None,
        now_secs,
        max_age: None,
        organization: None,
        acr_values: None,
        leeway_secs: i64::from(config.clock_leeway_secs),
        access_token: Some(access_token),
    }
}

/// The claim a refreshed ID token must keep and does not (OpenID Connect Core 12.2:
/// the same `iss`, `aud` and, when both carry it, `auth_time`; `sub` is checked
/// first, on its own).
fn changed_claim(session: &Session, refreshed: &IdTokenClaims) -> Option<&'static str> {
    let original = &session.claims;
    let same_audience = original.aud.len() == refreshed.aud.len()
        && original.aud.iter().all(|a| refreshed.aud.contains(a));
    if original.iss != refreshed.iss {
        Some("iss")
    } else if !same_audience {
        Some("aud")
    } else if matches!((original.auth_time, refreshed.auth_time), (Some(a), Some(b)) if a != b) {
        Some("auth_time")
    } else {
        None
    }
}

/// The session after a refresh: `current` renewed, or (after a reload, with no
/// session in memory) a new one, which needs an ID token to know who this is. The
/// refresh token spent was `kept_sub`'s.
///
/// # Errors
/// [`ProtocolError::SubjectChanged`] when the refreshed ID token names another user than
/// the session or the spent token, and
/// [`ProtocolError::RefreshedClaimChanged`] when it changes `iss`, `aud` or `auth_time`
/// (OpenID Connect Core 12.2); [`TokenError::MissingIdToken`] when restoring without
/// an ID token.
pub fn accept_refresh(
    current: Option<Session>,
    kept_sub: &str,
    tokens: TokenResponse,
    id_token: Option<(IdToken, IdTokenClaims)>,
    now_ms: u64,
) -> Result<Session, ProtocolError> {
    if id_token
        .as_ref()
        .is_some_and(|(_, claims)| claims.sub != kept_sub)
    {
        return Err(ProtocolError::SubjectChanged);
    }
    match (current, id_token) {
        (Some(session), Some((_, claims))) if claims.sub != session.claims.sub => {
            Err(ProtocolError::SubjectChanged)
        }
        (Some(session), Some((_, claims))) if changed_claim(&session, &claims).is_some() => Err(
            ProtocolError::RefreshedClaimChanged(changed_claim(&session, &claims).unwrap_or("")),
        ),
        (Some(session), id_token) => Ok(session.refreshed(tokens, id_token, now_ms)),
        (None, Some((raw, claims))) => Ok(Session::new(tokens, raw, claims, now_ms)),
        (None, None) => Err(TokenError::MissingIdToken.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id_token::claims::validate_id_token;
    use crate::id_token::jwt::tests::token;
    use crate::id_token::jwt::DecodedJwt;
    use crate::session::tests::session;

    fn spent() -> RefreshToken {
        RefreshToken::new("rt-1".into())
    }

    const ROTATED: &str =
        r#"{"access_token":"at-2","refresh_token":"rt-2","token_type":"Bearer","expires_in":60}"#;
    const NOT_ROTATED: &str = r#"{"access_token":"at-2","token_type":"Bearer","expires_in":60}"#;

    fn config() -> AuthConfig {
        AuthConfig::from_json(
            r#"{"issuer":"https://i/","client_id":"c"}"#,
            "https://app.example",
        )
        .unwrap()
    }

    fn verified(sub: &str) -> (IdToken, IdTokenClaims) {
        verified_with(&format!(
            r#"{{"iss":"https://i/","sub":"{sub}","aud":"c","exp":2000000000,"iat":1}}"#
        ))
    }

    fn verified_with(payload: &str) -> (IdToken, IdTokenClaims) {
        let raw = token(r#"{"alg":"RS256"}"#, payload);
        let jwt = DecodedJwt::decode(&raw)
            .unwrap()
            .insecure_assume_signature_verified();
        let config = config();
        let claims =
            validate_id_token(jwt, &refreshed_id_token_check(&config, "at-2", 1_000)).unwrap();
        (IdToken::new(raw), claims)
    }

    #[test]
    fn a_rotated_refresh_token_replaces_the_spent_one() {
        let answer = read_refresh_answer(200, ROTATED, spent()).unwrap();
        assert_eq!(answer.keep.secret(), "rt-2");
    }

    #[test]
    fn without_rotation_the_same_refresh_token_is_kept() {
        let answer = read_refresh_answer(200, NOT_ROTATED, spent()).unwrap();
        assert_eq!(answer.keep.secret(), "rt-1");
    }

    #[test]
    fn invalid_grant_ends_the_session() {
        let refused = read_refresh_answer(
            400,
            r#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#,
            spent(),
        )
        .unwrap_err();
        assert_eq!(refused, ProtocolError::SessionEnded);
        assert!(refused.ends_session());
    }

    #[test]
    fn a_server_hiccup_is_a_passing_failure() {
        for (status, body) in [
            (503, "Service Unavailable"),
            (500, r#"{"error":"server_error"}"#),
            (400, r#"{"error":"temporarily_unavailable"}"#),
        ] {
            let error = read_refresh_answer(status, body, spent()).unwrap_err();
            assert!(!error.ends_session(), "{status} {body}");
        }
    }

    #[test]
    fn a_refreshed_id_token_needs_no_nonce_and_the_configured_issuer() {
        let config = config();
        let check = refreshed_id_token_check(&config, "at-2", 5);
        assert!(check.nonce.is_none());
        assert_eq!((check.issuer, check.client_id), ("https://i/", "c"));
        assert_eq!(
            check.access_token,
            Some("at-2"),
            "at_hash checked when present"
        );
        assert_eq!(check.leeway_secs, 60);
    }

    #[test]
    fn the_subject_must_not_change() {
        let current = session(60, 0);
        let tokens = read_refresh_answer(200, ROTATED, spent()).unwrap().tokens;
        assert_eq!(
            accept_refresh(
                Some(current.clone()),
                "s",
                tokens.clone(),
                Some(verified("other")),
                0
            ),
            Err(ProtocolError::SubjectChanged)
        );
        let renewed = accept_refresh(
            Some(current.clone()),
            "s",
            tokens.clone(),
            Some(verified("s")),
            1_000,
        )
        .unwrap();
        assert_eq!(renewed.access_token.secret(), "at-2");
        assert_eq!(renewed.expires_at_ms, 61_000);
        let without_id_token = accept_refresh(Some(current), "s", tokens, None, 0).unwrap();
        assert_eq!(without_id_token.claims.sub, "s");
    }

    fn owned(sub: &str) -> OwnedRefreshToken {
        OwnedRefreshToken {
            token: spent(),
            sub: sub.into(),
        }
    }

    #[test]
    fn a_stored_refresh_token_is_bound_to_its_issuer_client_and_user() {
        let stored = stored_refresh_token(&owned("alice"), "https://i/", "c");
        assert_eq!(
            read_stored_refresh_token(&stored, "https://i/", "c"),
            Some(owned("alice"))
        );
        assert!(read_stored_refresh_token(&stored, "https://other/", "c").is_none());
        assert!(read_stored_refresh_token(&stored, "https://i/", "other").is_none());
    }

    #[test]
    fn foreign_or_implausible_stored_values_are_refused() {
        for value in [
            "",
            "42",
            "\"rt-1\"",
            r#"{"refresh_token":"two words","sub":"s","iss":"https://i/","client_id":"c"}"#,
            r#"{"refresh_token":"","sub":"s","iss":"https://i/","client_id":"c"}"#,
            r#"{"refresh_token":7,"sub":"s","iss":"https://i/","client_id":"c"}"#,
            r#"{"sub":"s","iss":"https://i/","client_id":"c"}"#,
            // Without its user (as stored by older versions), or with an empty one.
            r#"{"refresh_token":"rt-1","iss":"https://i/","client_id":"c"}"#,
            r#"{"refresh_token":"rt-1","sub":"","iss":"https://i/","client_id":"c"}"#,
            r#"{"refresh_token":"rt-1","sub":7,"iss":"https://i/","client_id":"c"}"#,
        ] {
            assert!(
                read_stored_refresh_token(value, "https://i/", "c").is_none(),
                "{value}"
            );
        }
    }

    #[test]
    fn only_the_sessions_own_user_spends_the_kept_token() {
        assert_eq!(
            spendable_refresh_token(Some(owned("alice")), Some("alice")),
            Ok(owned("alice"))
        );
        assert_eq!(
            spendable_refresh_token(Some(owned("bob")), Some("alice")),
            Err(ProtocolError::SubjectChanged),
            "bob signed in in another tab: alice's tab must not spend his token"
        );
        assert_eq!(
            spendable_refresh_token(Some(owned("bob")), None),
            Ok(owned("bob")),
            "a restore after a reload takes whoever is kept"
        );
        assert_eq!(
            spendable_refresh_token(None, Some("alice")),
            Err(ProtocolError::SessionEnded)
        );
    }

    #[test]
    fn a_login_without_a_refresh_token_keeps_the_same_users_and_forgets_anothers() {
        let new = || Some(RefreshToken::new("rt-new".into()));
        assert_eq!(
            refresh_token_after_login(Some("alice"), "bob", new()),
            AfterLogin::Store(OwnedRefreshToken {
                token: RefreshToken::new("rt-new".into()),
                sub: "bob".into()
            })
        );
        assert_eq!(
            refresh_token_after_login(Some("alice"), "alice", None),
            AfterLogin::KeepKept,
            "a step-up or a popup without offline_access must not erase it"
        );
        assert_eq!(
            refresh_token_after_login(None, "alice", None),
            AfterLogin::KeepKept
        );
        assert_eq!(
            refresh_token_after_login(Some("alice"), "bob", None),
            AfterLogin::Forget
        );
    }

    #[test]
    fn an_ending_session_forgets_only_its_own_users_token() {
        assert!(may_forget_kept(Some("alice"), Some("alice")));
        assert!(
            !may_forget_kept(Some("bob"), Some("alice")),
            "alice's tab ending must not sign bob out"
        );
        assert!(may_forget_kept(None, Some("alice")));
        assert!(
            may_forget_kept(Some("bob"), None),
            "an explicit sign-out forgets all"
        );
    }

    #[test]
    fn a_refreshed_id_token_keeps_iss_aud_and_auth_time() {
        let mut current = session(60, 0);
        current.claims.auth_time = Some(100);
        let tokens = read_refresh_answer(200, ROTATED, spent()).unwrap().tokens;
        let renewed = |payload: &str| {
            accept_refresh(
                Some(current.clone()),
                "s",
                tokens.clone(),
                Some(verified_with(payload)),
                0,
            )
        };
        assert_eq!(
            renewed(
                r#"{"iss":"https://i/","sub":"s","aud":["c","api"],"azp":"c","exp":2000000000,"iat":1}"#
            ),
            Err(ProtocolError::RefreshedClaimChanged("aud"))
        );
        assert_eq!(
            renewed(
                r#"{"iss":"https://i/","sub":"s","aud":"c","exp":2000000000,"iat":1,"auth_time":200}"#
            ),
            Err(ProtocolError::RefreshedClaimChanged("auth_time"))
        );
        assert!(renewed(
            r#"{"iss":"https://i/","sub":"s","aud":"c","exp":2000000000,"iat":1,"auth_time":100}"#
        )
        .is_ok());
        assert!(
            renewed(r#"{"iss":"https://i/","sub":"s","aud":"c","exp":2000000000,"iat":1}"#).is_ok(),
            "auth_time left out is allowed"
        );
    }

    #[test]
    fn restoring_after_a_reload_needs_an_id_token() {
        let tokens = read_refresh_answer(200, ROTATED, spent()).unwrap().tokens;
        assert_eq!(
            accept_refresh(None, "s", tokens.clone(), None, 0),
            Err(ProtocolError::Token(TokenError::MissingIdToken))
        );
        assert_eq!(
            accept_refresh(None, "bob", tokens.clone(), Some(verified("s")), 0),
            Err(ProtocolError::SubjectChanged),
            "the restored session is the spent token's user"
        );
        let restored = accept_refresh(None, "s", tokens, Some(verified("s")), 0).unwrap();
        assert_eq!(restored.claims.sub, "s");
        assert_eq!(restored.refresh_token.unwrap().secret(), "rt-2");
    }
}
