//! Which requests the service worker may attach a token to. Property, against the
//! `url` crate (the WHATWG URL standard browsers follow): a URL as a browser serializes
//! it is admitted exactly when its origin is listed, and a raw string is admitted only
//! when a browser would read it with a listed origin.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oidc_browser_core::mediation::ApiOrigins;
use url::Url;

fuzz_target!(|url: &str| {
    let origins = ApiOrigins::parse(
        "api_origins",
        &["https://api.example", "http://localhost:8081", "https://[::1]:9443"],
    )
    .expect("the list parses");
    let Ok(parsed) = Url::parse(url) else {
        assert!(!origins.admits(url), "admitted what no browser reads as a URL");
        return;
    };
    let origin = parsed.origin().ascii_serialization();
    let listed = origins.iter().any(|listed| listed == origin);
    assert_eq!(origins.admits(parsed.as_str()), listed, "serialized as {parsed}");
    if origins.admits(url) {
        assert!(listed, "admitted a URL whose origin is {origin}");
    }
});
