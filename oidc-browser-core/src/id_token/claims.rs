//! ID token claims and their validation (OpenID Connect Core 1.0 section 3.1.3.7).
//!
//! Claims are only handed out by [`validate_id_token`], which takes a token whose
//! signature was verified and applies every claim check, so the UI cannot show a
//! profile from a token that was never checked.

use serde_json::{Map, Value};

use super::jwt::VerifiedJwt;
use super::IdTokenError;
use crate::secret::{AccessToken, Nonce};

/// Seconds of clock skew tolerated on `exp`, `iat` and `auth_time` unless the
/// configuration says otherwise (`clock_leeway_secs`).
pub const LEEWAY_SECS: i64 = 60;

/// What the token must match. `Debug` leaves the access token out.
#[derive(Clone, Copy)]
pub struct ClaimsCheck<'a> {
    /// The expected `iss`, exactly.
    pub issuer: &'a str,
    /// This client's `client_id`.
    pub client_id: &'a str,
    /// The `nonce` sent in the authorize request; `None` for an ID token from a
    /// refresh, which carries none (OpenID Connect Core 12.2).
    pub nonce: Option<&'a Nonce>,
    /// The current time, in seconds since the Unix epoch.
    pub now_secs: i64,
    /// The `max_age` sent, if any.
    pub max_age: Option<u64>,
    /// The `organization` sent, if any.
    pub organization: Option<&'a str>,
    /// The `acr_values` sent, if any (space-separated): the token's `acr` must be one
    /// of them. OpenID Connect makes `acr` a request the provider may not honour; a
    /// client that asked for a step-up must not take a token that did not step up.
    pub acr_values: Option<&'a str>,
    /// Seconds of clock skew tolerated ([`LEEWAY_SECS`] by default).
    pub leeway_secs: i64,
    /// The access token that came with the ID token: its `at_hash`, when the token
    /// has one, must match (OpenID Connect Core 3.1.3.8 and 3.2.2.9).
    pub access_token: Option<&'a str>,
}

impl std::fmt::Debug for ClaimsCheck<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimsCheck")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("nonce", &self.nonce)
            .field("now_secs", &self.now_secs)
            .field("max_age", &self.max_age)
            .field("organization", &self.organization)
            .field("acr_values", &self.acr_values)
            .field("leeway_secs", &self.leeway_secs)
            .field("access_token", &self.access_token.map(|_| "[redacted]"))
            .finish()
    }
}

/// A [`ClaimsCheck`] that owns what it compares against, so a check can be handed
/// to code that outlives the borrow (the lazily loaded verification chunk). The access
/// token is kept as its secret type: `Debug` never prints it.
#[derive(Debug, Clone)]
pub struct ExpectedClaims {
    issuer: String,
    client_id: String,
    nonce: Option<Nonce>,
    now_secs: i64,
    max_age: Option<u64>,
    organization: Option<String>,
    acr_values: Option<String>,
    leeway_secs: i64,
    access_token: Option<AccessToken>,
}

impl From<&ClaimsCheck<'_>> for ExpectedClaims {
    fn from(check: &ClaimsCheck<'_>) -> Self {
        Self {
            issuer: check.issuer.to_owned(),
            client_id: check.client_id.to_owned(),
            nonce: check.nonce.cloned(),
            now_secs: check.now_secs,
            max_age: check.max_age,
            organization: check.organization.map(str::to_owned),
            acr_values: check.acr_values.map(str::to_owned),
            leeway_secs: check.leeway_secs,
            access_token: check.access_token.map(|t| AccessToken::new(t.to_owned())),
        }
    }
}

impl ExpectedClaims {
    /// The same check, borrowing from here.
    pub fn check(&self) -> ClaimsCheck<'_> {
        ClaimsCheck {
            issuer: &self.issuer,
            client_id: &self.client_id,
            nonce: self.nonce.as_ref(),
            now_secs: self.now_secs,
            max_age: self.max_age,
            organization: self.organization.as_deref(),
            acr_values: self.acr_values.as_deref(),
            leeway_secs: self.leeway_secs,
            access_token: self.access_token.as_ref().map(AccessToken::secret),
        }
    }
}

/// The claims of a validated ID token. Construct with [`validate_id_token`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct IdTokenClaims {
    /// Issuer.
    pub iss: String,
    /// Subject: the user's stable id at the provider.
    pub sub: String,
    /// Audiences (a single string in the token becomes a one-element list).
    pub aud: Vec<String>,
    /// Expiry, seconds since the Unix epoch.
    pub exp: i64,
    /// Issued at, seconds since the Unix epoch.
    pub iat: i64,
    /// Authorized party.
    pub azp: Option<String>,
    /// The login's nonce.
    pub nonce: Option<String>,
    /// When the user authenticated.
    pub auth_time: Option<i64>,
    /// Full name.
    pub name: Option<String>,
    /// Casual name.
    pub nickname: Option<String>,
    /// Picture URL.
    pub picture: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Whether the provider verified the email address.
    pub email_verified: Option<bool>,
    /// Auth0 organization id.
    pub org_id: Option<String>,
    /// Every other claim, as sent.
    pub other: Map<String, Value>,
    /// Profile claims left out because the provider sent them with the wrong type
    /// (`name` as a number): lenient where the trusted clients are, the sign-in goes
    /// on without them; the browser layer says which in the console.
    pub dropped: Vec<&'static str>,
}

impl IdTokenClaims {
    /// The claims a service worker handed its page ([`IdTokenClaims::to_map`]): the
    /// worker verified the token; this reads the claims into their types again.
    ///
    /// # Errors
    /// [`IdTokenError`] for a claim missing or of the wrong type.
    pub fn from_map(map: Map<String, Value>) -> Result<Self, IdTokenError> {
        claims_from_payload(map)
    }

    /// The claims as a JSON object, as the token carried them (`aud` as a list; the
    /// claims dropped for their type left out): what a service worker hands a page.
    pub fn to_map(&self) -> Map<String, Value> {
        let mut map = self.other.clone();
        let mut put = |name: &str, value: Value| {
            if !value.is_null() {
                map.insert(name.to_owned(), value);
            }
        };
        put("iss", self.iss.clone().into());
        put("sub", self.sub.clone().into());
        put("aud", self.aud.clone().into());
        put("exp", self.exp.into());
        put("iat", self.iat.into());
        put("azp", self.azp.clone().into());
        put("nonce", self.nonce.clone().into());
        put("auth_time", self.auth_time.into());
        put("name", self.name.clone().into());
        put("nickname", self.nickname.clone().into());
        put("picture", self.picture.clone().into());
        put("email", self.email.clone().into());
        put("email_verified", self.email_verified.into());
        put("org_id", self.org_id.clone().into());
        map
    }

    /// A name to greet the user with: `name`, then `nickname`, `email`, `sub`.
    pub fn display_name(&self) -> &str {
        [&self.name, &self.nickname, &self.email]
            .into_iter()
            .flatten()
            .find(|s| !s.is_empty())
            .map_or(&self.sub, String::as_str)
    }
}

/// Applies the claim checks of OpenID Connect Core 3.1.3.7 (steps 2–5 and 9–13) to
/// an ID token whose signature (steps 6–8) was verified.
///
/// # Errors
/// The first [`IdTokenError`] found.
pub fn validate_id_token(
    jwt: VerifiedJwt,
    check: &ClaimsCheck,
) -> Result<IdTokenClaims, IdTokenError> {
    let claims = claims_from_payload(jwt.into_payload())?;
    check_claims(&claims, check)?;
    Ok(claims)
}

/// `at_hash` for an access token signed over with SHA-256 (RS256, ES256, the only
/// algorithms accepted): the base64url of the left half of its SHA-256.
pub fn access_token_hash(access_token: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(access_token.as_bytes());
    crate::authorization::pkce::base64url(&digest[..16])
}

fn check_claims(claims: &IdTokenClaims, check: &ClaimsCheck) -> Result<(), IdTokenError> {
    if claims.iss != check.issuer {
        return Err(IdTokenError::WrongIssuer);
    }
    if !claims.aud.iter().any(|a| a == check.client_id) {
        return Err(IdTokenError::WrongAudience);
    }
    match &claims.azp {
        Some(azp) if azp != check.client_id => return Err(IdTokenError::WrongAuthorizedParty),
        None if claims.aud.len() > 1 => return Err(IdTokenError::WrongAuthorizedParty),
        _ => {}
    }
    if check.now_secs > claims.exp.saturating_add(check.leeway_secs) {
        return Err(IdTokenError::Expired);
    }
    if claims.iat > check.now_secs.saturating_add(check.leeway_secs) {
        return Err(IdTokenError::IssuedInFuture);
    }
    if let Some(expected) = check.nonce {
        let nonce = claims
            .nonce
            .as_deref()
            .ok_or(IdTokenError::MissingClaim("nonce"))?;
        if !constant_time_eq(nonce.as_bytes(), expected.secret().as_bytes()) {
            return Err(IdTokenError::NonceMismatch);
        }
    }
    if let Some(max_age) = check.max_age {
        let auth_time = claims
            .auth_time
            .ok_or(IdTokenError::MissingClaim("auth_time"))?;
        let max_age = i64::try_from(max_age).unwrap_or(i64::MAX);
        if check.now_secs
            > auth_time
                .saturating_add(max_age)
                .saturating_add(check.leeway_secs)
        {
            return Err(IdTokenError::AuthTooOld);
        }
    }
    if let (Some(at_hash), Some(access_token)) = (claims.other.get("at_hash"), check.access_token) {
        let expected = access_token_hash(access_token);
        let matches = at_hash
            .as_str()
            .is_some_and(|h| constant_time_eq(h.as_bytes(), expected.as_bytes()));
        if !matches {
            return Err(IdTokenError::AccessTokenHashMismatch);
        }
    }
    if let Some(acr_values) = check.acr_values {
        let acr = claims.other.get("acr").and_then(Value::as_str);
        let satisfied = acr.is_some_and(|acr| acr_values.split_whitespace().any(|v| v == acr));
        if !satisfied {
            return Err(IdTokenError::AcrNotSatisfied);
        }
    }
    if let Some(organization) = check.organization {
        // Auth0: an `org_…` value is an id and must equal `org_id`; anything else is a
        // name, compared case-insensitively with `org_name`.
        let matches = if organization.starts_with("org_") {
            claims.org_id.as_deref() == Some(organization)
        } else {
            claims
                .other
                .get("org_name")
                .and_then(Value::as_str)
                .is_some_and(|name| name.eq_ignore_ascii_case(organization))
        };
        if !matches {
            return Err(IdTokenError::WrongOrganization);
        }
    }
    Ok(())
}

/// Compares without an early exit, so timing does not reveal how much of a secret
/// matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn claims_from_payload(mut payload: Map<String, Value>) -> Result<IdTokenClaims, IdTokenError> {
    let aud = match payload.remove("aud") {
        Some(Value::String(aud)) => vec![aud],
        Some(Value::Array(list)) => list
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                _ => Err(IdTokenError::WrongType("aud")),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(IdTokenError::WrongType("aud")),
        None => return Err(IdTokenError::MissingClaim("aud")),
    };
    let p = &mut payload;
    let mut dropped = Vec::new();
    let mut profile = |p: &mut Map<String, Value>, claim: &'static str| {
        take_string(p, claim).unwrap_or_else(|_| {
            dropped.push(claim);
            None
        })
    };
    let name = profile(p, "name");
    let nickname = profile(p, "nickname");
    let picture = profile(p, "picture");
    let email = profile(p, "email");
    let email_verified = match p.remove("email_verified") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(b),
        // As some providers send it (Amazon Cognito).
        Some(Value::String(s)) if s == "true" => Some(true),
        Some(Value::String(s)) if s == "false" => Some(false),
        Some(_) => {
            dropped.push("email_verified");
            None
        }
    };
    Ok(IdTokenClaims {
        iss: required(take_string(p, "iss")?, "iss")?,
        sub: required(take_string(p, "sub")?, "sub")?,
        aud,
        exp: required(take_time(p, "exp")?, "exp")?,
        iat: required(take_time(p, "iat")?, "iat")?,
        azp: take_string(p, "azp")?,
        nonce: take_string(p, "nonce")?,
        auth_time: take_time(p, "auth_time")?,
        name,
        nickname,
        picture,
        email,
        email_verified,
        org_id: take_string(p, "org_id")?,
        other: payload,
        dropped,
    })
}

fn required<T>(value: Option<T>, claim: &'static str) -> Result<T, IdTokenError> {
    value.ok_or(IdTokenError::MissingClaim(claim))
}

fn take_string(
    payload: &mut Map<String, Value>,
    claim: &'static str,
) -> Result<Option<String>, IdTokenError> {
    match payload.remove(claim) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(IdTokenError::WrongType(claim)),
    }
}

/// A NumericDate: seconds since the epoch. Fractions are allowed by RFC 7519 and
/// truncated here.
fn take_time(
    payload: &mut Map<String, Value>,
    claim: &'static str,
) -> Result<Option<i64>, IdTokenError> {
    match payload.remove(claim) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite() && f.abs() < 1e15)
                    .map(|f| f as i64)
            })
            .map(Some)
            .ok_or(IdTokenError::WrongType(claim)),
        Some(_) => Err(IdTokenError::WrongType(claim)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id_token::jwt::tests::token;
    use crate::id_token::jwt::DecodedJwt;
    use serde_json::json;

    const NOW: i64 = 1_700_000_000;
    const ISSUER: &str = "https://tenant.auth0.com/";

    fn nonce() -> Nonce {
        Nonce::new("n-123".into())
    }

    fn payload() -> Value {
        json!({
            "iss": ISSUER, "sub": "auth0|42", "aud": "client-1",
            "exp": NOW + 3600, "iat": NOW - 5, "nonce": "n-123",
            "name": "Ada Lovelace", "nickname": "ada", "picture": "https://img.example/ada.png",
            "email": "ada@example.com", "email_verified": true, "locale": "en"
        })
    }

    fn check_with(nonce: &Nonce) -> ClaimsCheck<'_> {
        ClaimsCheck {
            issuer: ISSUER,
            client_id: "client-1",
            nonce: Some(nonce),
            now_secs: NOW,
            max_age: None,
            organization: None,
            acr_values: None,
            leeway_secs: LEEWAY_SECS,
            access_token: None,
        }
    }

    #[test]
    fn an_owned_check_checks_the_same_and_never_prints_the_access_token() {
        let nonce = Nonce::new("n-123".into());
        let check = ClaimsCheck {
            organization: Some("org_1"),
            acr_values: Some("mfa"),
            max_age: Some(60),
            access_token: Some("at-secret-value"),
            ..check_with(&nonce)
        };
        let owned = ExpectedClaims::from(&check);
        let back = owned.check();
        assert_eq!(format!("{back:?}"), format!("{check:?}"));
        assert_eq!(back.access_token, Some("at-secret-value"));
        assert_eq!(back.nonce, Some(&nonce));
        for shown in [format!("{check:?}"), format!("{owned:?}")] {
            assert!(!shown.contains("at-secret-value"), "{shown}");
            assert!(shown.contains("org_1"), "{shown}");
        }
    }

    fn validate(payload: &Value) -> Result<IdTokenClaims, IdTokenError> {
        validate_with(payload, |_| {})
    }

    fn validate_with(
        payload: &Value,
        adjust: impl FnOnce(&mut ClaimsCheck),
    ) -> Result<IdTokenClaims, IdTokenError> {
        let nonce = nonce();
        let mut check = check_with(&nonce);
        adjust(&mut check);
        let raw = token(r#"{"alg":"RS256","kid":"k"}"#, &payload.to_string());
        let jwt = DecodedJwt::decode(&raw)?.insecure_assume_signature_verified();
        validate_id_token(jwt, &check)
    }

    fn with(changes: Value) -> Value {
        let mut p = payload();
        for (k, v) in changes.as_object().unwrap() {
            if v.is_null() {
                p.as_object_mut().unwrap().remove(k);
            } else {
                p[k] = v.clone();
            }
        }
        p
    }

    #[test]
    fn at_hash_is_checked_when_present() {
        // OpenID Connect Core's own example (A.3): this access token's at_hash.
        let access_token = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
        assert_eq!(access_token_hash(access_token), "77QmUPtjPfzWtF2AnpK9RQ");
        let with_hash = |hash: &str| {
            let mut p = payload();
            p["at_hash"] = json!(hash);
            p
        };
        let given = |token| move |c: &mut ClaimsCheck| c.access_token = Some(token);
        assert!(validate_with(&with_hash("77QmUPtjPfzWtF2AnpK9RQ"), given(access_token)).is_ok());
        assert_eq!(
            validate_with(&with_hash("77QmUPtjPfzWtF2AnpK9RQ"), given("another-token")),
            Err(IdTokenError::AccessTokenHashMismatch)
        );
        assert_eq!(
            validate_with(&with_hash("77QmUPtjPfzWtF2AnpK9RQ"), given("")),
            Err(IdTokenError::AccessTokenHashMismatch)
        );
        assert!(
            validate_with(&payload(), given("another-token")).is_ok(),
            "optional in the code flow: checked only when present"
        );
    }

    #[test]
    fn the_leeway_is_the_configured_one() {
        let late = json!({"exp": NOW - 100});
        let mut p = payload();
        p["exp"] = late["exp"].clone();
        assert_eq!(validate(&p), Err(IdTokenError::Expired));
        assert!(validate_with(&p, |c| c.leeway_secs = 120).is_ok());
    }

    #[test]
    fn a_good_token_gives_typed_claims() {
        let claims = validate(&payload()).unwrap();
        assert_eq!(claims.sub, "auth0|42");
        assert_eq!(claims.aud, ["client-1"]);
        assert_eq!(claims.name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(claims.email_verified, Some(true));
        assert_eq!(claims.other.get("locale"), Some(&json!("en")));
        assert!(!claims.other.contains_key("sub"));
        assert_eq!(claims.display_name(), "Ada Lovelace");
    }

    #[test]
    fn display_name_falls_back() {
        let claims = validate(&with(json!({"name": null, "nickname": ""}))).unwrap();
        assert_eq!(claims.display_name(), "ada@example.com");
        let claims = validate(&with(
            json!({"name": null, "nickname": null, "email": null}),
        ))
        .unwrap();
        assert_eq!(claims.display_name(), "auth0|42");
    }

    #[test]
    fn issuer_must_match_exactly() {
        assert!(matches!(
            validate(&with(json!({"iss": "https://tenant.auth0.com"}))),
            Err(IdTokenError::WrongIssuer)
        ));
        assert!(matches!(
            validate(&with(json!({"iss": "https://evil.example/"}))),
            Err(IdTokenError::WrongIssuer)
        ));
    }

    #[test]
    fn audience_string_or_array() {
        assert_eq!(
            validate(&with(json!({"aud": "other"}))),
            Err(IdTokenError::WrongAudience)
        );
        assert_eq!(
            validate(&with(json!({"aud": []}))),
            Err(IdTokenError::WrongAudience)
        );
        assert!(validate(&with(json!({"aud": ["client-1"]}))).is_ok());
        assert_eq!(
            validate(&with(json!({"aud": ["client-1", 5]}))),
            Err(IdTokenError::WrongType("aud"))
        );
        assert_eq!(
            validate(&with(json!({"aud": 5}))),
            Err(IdTokenError::WrongType("aud"))
        );
    }

    #[test]
    fn several_audiences_need_azp_equal_to_client() {
        let aud = json!(["client-1", "https://api.example"]);
        assert_eq!(
            validate(&with(json!({"aud": aud}))),
            Err(IdTokenError::WrongAuthorizedParty)
        );
        assert!(validate(&with(json!({"aud": aud, "azp": "client-1"}))).is_ok());
        assert_eq!(
            validate(&with(json!({"aud": aud, "azp": "other"}))),
            Err(IdTokenError::WrongAuthorizedParty)
        );
        assert_eq!(
            validate(&with(json!({"azp": "other"}))),
            Err(IdTokenError::WrongAuthorizedParty)
        );
    }

    #[test]
    fn expiry_with_leeway() {
        assert!(validate(&with(json!({"exp": NOW - LEEWAY_SECS}))).is_ok());
        assert_eq!(
            validate(&with(json!({"exp": NOW - LEEWAY_SECS - 1}))),
            Err(IdTokenError::Expired)
        );
    }

    #[test]
    fn issued_at_in_the_future_with_leeway() {
        assert!(validate(&with(json!({"iat": NOW + LEEWAY_SECS}))).is_ok());
        assert_eq!(
            validate(&with(json!({"iat": NOW + LEEWAY_SECS + 1}))),
            Err(IdTokenError::IssuedInFuture)
        );
    }

    #[test]
    fn nonce_must_match() {
        assert_eq!(
            validate(&with(json!({"nonce": "n-124"}))),
            Err(IdTokenError::NonceMismatch)
        );
        assert_eq!(
            validate(&with(json!({"nonce": "n-12"}))),
            Err(IdTokenError::NonceMismatch)
        );
        assert_eq!(
            validate(&with(json!({"nonce": null}))),
            Err(IdTokenError::MissingClaim("nonce"))
        );
        let refreshed = validate_with(&with(json!({"nonce": null})), |c| c.nonce = None);
        assert!(refreshed.is_ok(), "a refreshed ID token carries no nonce");
    }

    #[test]
    fn max_age_needs_a_recent_auth_time() {
        let max_age = |c: &mut ClaimsCheck| c.max_age = Some(300);
        assert_eq!(
            validate_with(&payload(), max_age),
            Err(IdTokenError::MissingClaim("auth_time"))
        );
        assert!(validate_with(&with(json!({"auth_time": NOW - 300})), max_age).is_ok());
        assert_eq!(
            validate_with(
                &with(json!({"auth_time": NOW - 300 - LEEWAY_SECS - 1})),
                max_age
            ),
            Err(IdTokenError::AuthTooOld)
        );
    }

    #[test]
    fn organization_id_or_name_must_match() {
        let by_id = |c: &mut ClaimsCheck| c.organization = Some("org_abc");
        assert!(validate_with(&with(json!({"org_id": "org_abc"})), by_id).is_ok());
        assert_eq!(
            validate_with(&with(json!({"org_id": "org_xyz"})), by_id),
            Err(IdTokenError::WrongOrganization)
        );
        assert_eq!(
            validate_with(&payload(), by_id),
            Err(IdTokenError::WrongOrganization)
        );
        let by_name = |c: &mut ClaimsCheck| c.organization = Some("Acme");
        assert!(validate_with(&with(json!({"org_name": "acme"})), by_name).is_ok());
        assert_eq!(
            validate_with(&with(json!({"org_name": "other"})), by_name),
            Err(IdTokenError::WrongOrganization)
        );
    }

    #[test]
    fn missing_and_wrongly_typed_claims_are_named() {
        for claim in ["iss", "sub", "aud", "exp", "iat"] {
            assert_eq!(
                validate(&with(json!({ claim: null }))),
                Err(IdTokenError::MissingClaim(claim)),
                "{claim}"
            );
        }
        for (claim, value) in [
            ("sub", json!(42)),
            ("exp", json!("tomorrow")),
            ("iat", json!(true)),
            ("nonce", json!(1)),
            ("azp", json!(7)),
            ("org_id", json!(7)),
        ] {
            assert_eq!(
                validate(&with(json!({ claim: value }))),
                Err(IdTokenError::WrongType(claim)),
                "{claim}"
            );
        }
    }

    #[test]
    fn a_mistyped_profile_claim_is_dropped_and_named_not_fatal() {
        for (claim, value) in [
            ("name", json!(42)),
            ("nickname", json!({"first": "a"})),
            ("picture", json!(["a"])),
            ("email", json!(true)),
            ("email_verified", json!("yes")),
        ] {
            let claims = validate(&with(json!({ claim: value }))).expect(claim);
            assert_eq!(claims.dropped, vec![claim]);
        }
        let claims = validate(&with(json!({"name": 42, "email_verified": "yes"}))).unwrap();
        assert_eq!(claims.name, None);
        assert_eq!(claims.email_verified, None);
        assert_eq!(
            claims.email.as_deref(),
            Some("ada@example.com"),
            "the rest kept"
        );
        for (text, value) in [("true", true), ("false", false)] {
            let claims = validate(&with(json!({ "email_verified": text }))).unwrap();
            assert_eq!(claims.email_verified, Some(value), "as Cognito sends it");
            assert!(claims.dropped.is_empty());
        }
    }

    #[test]
    fn fractional_times_are_accepted() {
        assert!(validate(&with(json!({"exp": (NOW + 10) as f64 + 0.5}))).is_ok());
    }

    #[test]
    fn structural_faults_come_from_the_decoder() {
        assert_eq!(
            validate(&json!("not an object")),
            Err(IdTokenError::BadJson("payload"))
        );
    }

    #[test]
    fn a_step_up_needs_one_of_the_acr_values_asked_for() {
        const MFA: &str = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";
        let asked = |check: &mut ClaimsCheck| {
            check.acr_values =
                Some("urn:strong http://schemas.openid.net/pape/policies/2007/06/multi-factor")
        };
        assert!(validate_with(&with(json!({ "acr": MFA })), asked).is_ok());
        assert_eq!(
            validate_with(&with(json!({ "acr": "urn:password" })), asked),
            Err(IdTokenError::AcrNotSatisfied)
        );
        assert_eq!(
            validate_with(&payload(), asked),
            Err(IdTokenError::AcrNotSatisfied),
            "no acr at all did not step up"
        );
        assert!(
            validate(&with(json!({ "acr": "urn:password" }))).is_ok(),
            "not asked: not checked"
        );
    }
}
