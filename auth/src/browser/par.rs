//! Pushed authorization requests (RFC 9126) in the browser: the login's parameters
//! are posted to the provider before the browser leaves, and the login goes by the
//! reference the provider answers. Whether to push, and what the answer means, is
//! the core's (`oidc_browser_core::authorization::par`).

use super::http;
use crate::error::AuthError;
use oidc_browser_core::authorization::authorize::AuthorizeRequest;
use oidc_browser_core::authorization::par::{endpoint_for, PushedRequest};
use oidc_browser_core::config::AuthConfig;
use oidc_browser_core::provider::discovery::ProviderMetadata;
use oidc_browser_core::ProtocolError;

/// Pushes `request`'s parameters where the configuration and the provider say so,
/// and sends it by reference then; leaves it as it is otherwise. Call before the
/// login's transaction is stored: a failure here stores nothing.
///
/// # Errors
/// [`ProtocolError::Push`] when pushing is required and impossible or the provider
/// refuses it; a [`crate::error::BrowserError`] when the request fails.
pub async fn push_if_needed(
    config: &AuthConfig,
    metadata: &ProviderMetadata,
    request: &mut AuthorizeRequest,
) -> Result<(), AuthError> {
    let Some(endpoint) = endpoint_for(config, metadata).map_err(ProtocolError::from)? else {
        return Ok(());
    };
    // No DPoP proof: the key is named by `dpop_jkt` among the parameters (RFC 9449
    // section 10.1), which binds the code the same way without a nonce round trip.
    let answer = http::post_form(endpoint, request.parameters.clone(), None).await?;
    let pushed = PushedRequest::parse(answer.status, &answer.body).map_err(ProtocolError::from)?;
    request.by_reference(&metadata.authorization_endpoint, &pushed);
    Ok(())
}
