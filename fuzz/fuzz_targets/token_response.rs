//! The token endpoint's answer: any status and body.
#![no_main]

use leptos_pkce_auth::token::TokenResponse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u16, &str)| {
    let (status, body) = input;
    if let Ok(response) = TokenResponse::parse(status, body) {
        let _ = response.require_id_token();
    }
});
