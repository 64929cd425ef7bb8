//! The ID token decoder and every claim check, on any string.
#![no_main]

use leptos_pkce_auth::id_token::claims::{validate_id_token, ClaimsCheck};
use leptos_pkce_auth::id_token::jwt::DecodedJwt;
use leptos_pkce_auth::secret::Nonce;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|token: &str| {
    let Ok(jwt) = DecodedJwt::decode(token) else {
        return;
    };
    let nonce = Nonce::new("nonce".into());
    let check = ClaimsCheck {
        issuer: "https://tenant.auth0.com/",
        client_id: "client",
        nonce: Some(&nonce),
        now_secs: 1_700_000_000,
        max_age: Some(300),
        organization: Some("org_1"),
        leeway_secs: 60,
        access_token: None,
    };
    if let Ok(claims) = validate_id_token(jwt.insecure_assume_signature_verified(), &check) {
        let _ = claims.display_name();
    }
});
