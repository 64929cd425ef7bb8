//! `config.json`: any text a deployment could serve.
#![no_main]

use oidc_browser_core::config::AuthConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = AuthConfig::from_json(text, "https://app.example");
});
