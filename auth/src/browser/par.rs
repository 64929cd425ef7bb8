//! Pushed authorization requests (RFC 9126) in the browser: the login's parameters
//! are posted to the provider before the browser leaves, and the login goes by the
//! reference the provider answers. Whether to push, what the answer means and when a
//! failed push may leave by the address anyway are the core's
//! (`oidc_browser_core::authorization::par`).

use super::http;
use crate::error::{AuthError, BrowserError};
use oidc_browser_core::authorization::authorize::AuthorizeRequest;
use oidc_browser_core::authorization::par::{
    endpoint_for, leaves_by_address_after, PushError, PushedRequest,
};
use oidc_browser_core::config::AuthConfig;
use oidc_browser_core::provider::discovery::ProviderMetadata;
use oidc_browser_core::ProtocolError;

/// How a push failed: no answer, or an answer that was not a pushed request's.
enum Failure {
    NoAnswer(BrowserError),
    Answer(PushError),
}

/// Pushes `request`'s parameters where the configuration and the provider say so,
/// and sends it by reference then. Leaves it as it is otherwise, and when the push
/// failed in a way after which the core lets a login leave by the address
/// ([`leaves_by_address_after`]: `auto`, at a provider that does not require
/// pushing). Call before the login's transaction is stored: a failure here stores
/// nothing.
///
/// # Errors
/// [`ProtocolError::Push`] when pushing is required and impossible or the provider
/// refuses it; a [`BrowserError`] when no answer came.
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
    let failure = match http::post_form(endpoint, request.parameters.clone(), None).await {
        Ok(answer) => match PushedRequest::parse(answer.status, &answer.body) {
            Ok(pushed) => {
                request.by_reference(&metadata.authorization_endpoint, &pushed);
                return Ok(());
            }
            Err(error) => Failure::Answer(error),
        },
        Err(error) => Failure::NoAnswer(error),
    };
    let answered = match &failure {
        Failure::Answer(error) => Some(error),
        Failure::NoAnswer(_) => None,
    };
    if leaves_by_address_after(
        config.pushed_authorization_requests,
        metadata.require_pushed_authorization_requests,
        answered,
    ) {
        web_sys::console::warn_1(
            &"leptos-pkce: the pushed authorization request failed; the login leaves by \
              the address instead (pushed_authorization_requests: \"never\" skips the \
              attempt, \"always\" refuses such logins)"
                .into(),
        );
        return Ok(());
    }
    Err(match failure {
        Failure::Answer(error) => ProtocolError::from(error).into(),
        Failure::NoAnswer(error) => error.into(),
    })
}
