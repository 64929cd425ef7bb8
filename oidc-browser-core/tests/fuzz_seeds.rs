//! The fuzzing seeds (`fuzz/seeds/`) stay what their names say: those named as valid
//! inputs are accepted by today's parsers, those named as attacks refused. A seed that
//! drifts from the format would start the fuzzer from nowhere without anyone noticing.

use std::path::PathBuf;

use oidc_browser_core::authorization::pkce::base64url;
use oidc_browser_core::authorization::return_to::ReturnTo;
use oidc_browser_core::authorization::transaction::Transaction;
use oidc_browser_core::config::AuthConfig;
use oidc_browser_core::id_token::claims::{validate_id_token, ClaimsCheck};
use oidc_browser_core::id_token::jwks::Jwks;
use oidc_browser_core::id_token::jwt::{DecodedJwt, JwtHeader};
use oidc_browser_core::mediation::ApiOrigins;
use oidc_browser_core::provider::discovery::ProviderMetadata;
use oidc_browser_core::secret::Nonce;
use oidc_browser_core::token::TokenResponse;

fn seed(target: &str, name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target)
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn text(target: &str, name: &str) -> String {
    String::from_utf8(seed(target, name)).expect("a text seed")
}

#[test]
fn id_token_seeds_pass_the_fuzz_targets_checks() {
    let nonce = Nonce::new("nonce".into());
    let check = ClaimsCheck {
        issuer: "https://tenant.auth0.com/",
        client_id: "client",
        nonce: Some(&nonce),
        now_secs: 1_700_000_000,
        max_age: Some(300),
        organization: Some("org_1"),
        acr_values: None,
        leeway_secs: 60,
        access_token: None,
    };
    let header = base64url(br#"{"alg":"RS256","kid":"k"}"#);
    for name in ["payload-accepted", "payload-two-audiences-accepted"] {
        let payload = base64url(&seed("id_token", name));
        let jwt = DecodedJwt::decode(&format!("{header}.{payload}.c2ln")).expect(name);
        validate_id_token(jwt.insecure_assume_signature_verified(), &check).expect(name);
    }
    let jwt = DecodedJwt::decode(&text("id_token", "token-accepted")).expect("decodes");
    validate_id_token(jwt.insecure_assume_signature_verified(), &check).expect("accepted");
    assert!(DecodedJwt::decode(&text("id_token", "token-alg-none")).is_err());
}

#[test]
fn transaction_discovery_and_config_seeds_are_accepted() {
    Transaction::from_json(&text("transaction", "fresh"), 1_700_000_000_000).expect("fresh");
    let config = AuthConfig::from_json(
        r#"{"issuer":"https://id.example/","client_id":"c"}"#,
        "https://app.example",
    )
    .expect("config");
    for name in ["complete", "minimal"] {
        ProviderMetadata::from_discovery(&text("discovery", name), &config).expect(name);
    }
    for name in ["auth0", "generic"] {
        AuthConfig::from_json(&text("config", name), "https://app.example").expect(name);
    }
}

#[test]
fn key_set_token_and_return_to_seeds_mean_what_they_say() {
    let two = text("jwks", "two-keys");
    let (kid, keys) = two.split_once('\n').expect("kid line");
    let jwks = Jwks::parse(keys).expect("two keys");
    let header = JwtHeader {
        alg: "RS256".into(),
        kid: Some(kid.into()),
    };
    assert!(jwks.find(&header).is_some());
    let no_kid = text("jwks", "no-kid");
    Jwks::parse(no_kid.split_once('\n').expect("kid line").1).expect("a key without kid");

    let success = seed("token_response", "success");
    TokenResponse::parse(200, std::str::from_utf8(&success[1..]).expect("utf-8")).expect("ok");
    let lenient = seed("token_response", "success-lenient");
    TokenResponse::parse(200, std::str::from_utf8(&lenient[1..]).expect("utf-8")).expect("ok");

    for name in ["profile", "home"] {
        ReturnTo::parse(&text("return_to", name)).expect(name);
    }
    for name in ["protocol-relative", "backslash"] {
        assert!(ReturnTo::parse(&text("return_to", name)).is_err(), "{name}");
    }
}

#[test]
fn api_origin_seeds_are_admitted_or_refused_as_named() {
    let origins = ApiOrigins::parse(
        "api_origins",
        &[
            "https://api.example",
            "http://localhost:8081",
            "https://[::1]:9443",
        ],
    )
    .expect("the fuzz target's list");
    for name in ["listed", "listed-default-port"] {
        assert!(origins.admits(&text("api_origin", name)), "{name}");
    }
    for name in ["suffix-attack", "userinfo-attack", "backslash-attack"] {
        assert!(!origins.admits(&text("api_origin", name)), "{name}");
    }
}
