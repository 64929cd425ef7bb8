//! The ID token decoder and every claim check. Input with a `.` is a whole token;
//! without, it is a payload under a fixed RS256 header, so mutations reach the claim
//! checks. Property: an accepted token was issued by the configured issuer, names the
//! client among its audiences, carries the login's nonce and is current.
#![no_main]

use oidc_browser_core::id_token::claims::{validate_id_token, ClaimsCheck};
use oidc_browser_core::id_token::jwt::DecodedJwt;
use oidc_browser_core::authorization::pkce::base64url;
use oidc_browser_core::secret::Nonce;
use libfuzzer_sys::fuzz_target;

const ISSUER: &str = "https://tenant.auth0.com/";
const CLIENT: &str = "client";
const NOW: i64 = 1_700_000_000;
const LEEWAY: i64 = 60;

fuzz_target!(|input: &str| {
    let token = if input.contains('.') {
        input.to_owned()
    } else {
        let header = base64url(br#"{"alg":"RS256","kid":"k"}"#);
        format!("{header}.{}.c2ln", base64url(input.as_bytes()))
    };
    let Ok(jwt) = DecodedJwt::decode(&token) else {
        return;
    };
    let nonce = Nonce::new("nonce".into());
    let check = ClaimsCheck {
        issuer: ISSUER,
        client_id: CLIENT,
        nonce: Some(&nonce),
        now_secs: NOW,
        max_age: Some(300),
        organization: Some("org_1"),
        acr_values: None,
        leeway_secs: LEEWAY,
        access_token: None,
    };
    if let Ok(claims) = validate_id_token(jwt.insecure_assume_signature_verified(), &check) {
        assert_eq!(claims.iss, ISSUER, "accepted from another issuer");
        assert!(claims.aud.iter().any(|a| a == CLIENT), "accepted for another audience");
        assert!(
            claims.aud.len() == 1 || claims.azp.as_deref() == Some(CLIENT),
            "several audiences without azp naming the client"
        );
        assert_eq!(claims.nonce.as_deref(), Some("nonce"), "accepted with another nonce");
        assert!(claims.exp + LEEWAY > NOW, "accepted after expiry");
        assert!(claims.iat - LEEWAY <= NOW, "accepted from the future");
        assert_eq!(claims.org_id.as_deref(), Some("org_1"), "accepted for another organization");
        let _ = claims.display_name();
    }
});
