//! A provider's discovery document. Property: accepted metadata only names endpoints
//! over https (http only on loopback), each with a host, and only for the configured
//! issuer.
#![no_main]

use oidc_browser_core::config::AuthConfig;
use oidc_browser_core::provider::discovery::ProviderMetadata;
use libfuzzer_sys::fuzz_target;
use url::{Host, Url};

fuzz_target!(|document: &str| {
    let config = AuthConfig::from_json(
        r#"{"issuer":"https://id.example/","client_id":"c"}"#,
        "https://app.example",
    )
    .expect("the fixed configuration is valid");
    let Ok(metadata) = ProviderMetadata::from_discovery(document, &config) else {
        return;
    };
    let doc: serde_json::Value = serde_json::from_str(document).expect("accepted means JSON");
    assert_eq!(doc["issuer"], "https://id.example/", "accepted for another issuer");
    let endpoints = [
        Some(&metadata.authorization_endpoint),
        Some(&metadata.token_endpoint),
        Some(&metadata.jwks_uri),
        metadata.userinfo_endpoint.as_ref(),
        metadata.end_session_endpoint.as_ref(),
        metadata.revocation_endpoint.as_ref(),
    ];
    for endpoint in endpoints.into_iter().flatten() {
        let url = Url::parse(endpoint).expect("an accepted endpoint is a URL");
        let loopback = match url.host() {
            Some(Host::Domain(name)) => name == "localhost",
            Some(Host::Ipv4(ip)) => ip.is_loopback(),
            Some(Host::Ipv6(ip)) => ip.is_loopback(),
            None => panic!("an accepted endpoint has no host"),
        };
        assert!(
            url.scheme() == "https" || (url.scheme() == "http" && loopback),
            "insecure endpoint accepted"
        );
        assert!(url.username().is_empty() && url.password().is_none(), "credentials accepted");
    }
});
