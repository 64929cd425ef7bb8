//! Where the app goes after a login. Property: any accepted value, resolved the way a
//! browser resolves it (the `url` crate follows the WHATWG URL standard), stays on the
//! app's origin, and survives a storage round trip unchanged.
#![no_main]

use oidc_browser_core::authorization::return_to::ReturnTo;
use libfuzzer_sys::fuzz_target;
use url::Url;

fuzz_target!(|path: &str| {
    let Ok(return_to) = ReturnTo::parse(path) else {
        return;
    };
    assert_eq!(return_to.as_str(), path);
    let base = Url::parse("https://app.example/some/page").expect("base URL");
    let resolved = base.join(path).expect("an accepted path resolves");
    assert_eq!(resolved.origin(), base.origin(), "left the origin");
    let stored = serde_json::to_string(&return_to).expect("serializes");
    let back: ReturnTo = serde_json::from_str(&stored).expect("reads back");
    assert_eq!(back, return_to);
});
