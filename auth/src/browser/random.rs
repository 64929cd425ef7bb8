//! Randomness from the browser's CSPRNG (`crypto.getRandomValues`, through getrandom).

use crate::error::BrowserError;
use oidc_browser_core::authorization::authorize::LoginRandomness;

/// Fresh randomness for one login.
///
/// # Errors
/// [`BrowserError::Random`] if the browser has no usable `crypto`.
pub fn login_randomness() -> Result<LoginRandomness, BrowserError> {
    let mut randomness = LoginRandomness {
        verifier: [0; 32],
        state: [0; 32],
        nonce: [0; 32],
    };
    for bytes in [
        &mut randomness.verifier,
        &mut randomness.state,
        &mut randomness.nonce,
    ] {
        getrandom::fill(bytes).map_err(|_| BrowserError::Random)?;
    }
    Ok(randomness)
}
