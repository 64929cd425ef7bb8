//! The provider's key set, and key lookup for any header.
#![no_main]

use leptos_pkce_auth::id_token::jwks::Jwks;
use leptos_pkce_auth::id_token::jwt::JwtHeader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (text, kid) = input;
    if let Ok(jwks) = Jwks::parse(text) {
        for alg in ["RS256", "ES256"] {
            let header = JwtHeader {
                alg: alg.into(),
                kid: Some(kid.into()),
            };
            if let Some(key) = jwks.find(&header) {
                let _ = key.to_import_json();
            }
            let _ = jwks.find(&JwtHeader {
                alg: alg.into(),
                kid: None,
            });
        }
    }
});
