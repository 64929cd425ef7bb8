//! The callback query: anything in the address bar must parse or fail cleanly.
#![no_main]

use oidc_browser_core::callback::CallbackResponse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|query: &str| {
    if let Ok(response) = CallbackResponse::parse(query) {
        let _ = response.state();
    }
});
