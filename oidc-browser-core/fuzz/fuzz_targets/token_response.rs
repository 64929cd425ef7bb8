//! The token endpoint's answer: the first byte picks the status (200, 400, 401, 500 or
//! the byte itself), the rest is the body. Parses or fails cleanly; apart from an
//! OAuth error answer (whose description is the provider's message to the user), an
//! error never repeats what the body said.
#![no_main]

use oidc_browser_core::token::{TokenError, TokenResponse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&pick, body)) = input.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(body) else {
        return;
    };
    let status = match pick % 5 {
        0 => 200,
        1 => 400,
        2 => 401,
        3 => 500,
        _ => u16::from(pick),
    };
    match TokenResponse::parse(status, body) {
        Ok(response) => {
            let _ = response.require_id_token();
        }
        Err(TokenError::Server(_)) => {}
        Err(error) => {
            let message = error.to_string();
            // Long strings of the body (where a token would be) never reach a message.
            for word in body.split(|c: char| !c.is_ascii_alphanumeric()) {
                if word.len() >= 24 {
                    assert!(!message.contains(word), "an error quotes the body");
                }
            }
        }
    }
});
