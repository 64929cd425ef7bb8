//! The provider's key set and key lookup. The first line is the `kid` to look up, the
//! rest the key set. Property: a key found for a `kid` has that `kid` and the
//! header's algorithm; a header without `kid` finds a key only when it is the only
//! one for the algorithm.
#![no_main]

use oidc_browser_core::id_token::jwks::Jwks;
use oidc_browser_core::id_token::jwt::JwtHeader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let (kid, text) = input.split_once('\n').unwrap_or(("", input));
    let Ok(jwks) = Jwks::parse(text) else {
        return;
    };
    for alg in ["RS256", "ES256"] {
        let header = JwtHeader {
            alg: alg.into(),
            kid: Some(kid.into()),
        };
        if let Some(key) = jwks.find(&header) {
            assert_eq!(key.kid(), Some(kid));
            assert_eq!(key.alg(), alg);
            let _ = key.to_import_json();
        }
        let without_kid = JwtHeader {
            alg: alg.into(),
            kid: None,
        };
        if let Some(key) = jwks.find(&without_kid) {
            assert_eq!(key.alg(), alg);
        }
    }
});
