//! Revoking a refresh token the worker lets go of: at sign-out, and whenever one
//! arrives for a session that is no longer there (a login or a renewal that finished
//! after a sign-out or another login), so no grant outlives the session it was for.

use oidc_browser_core::config::AuthConfig;
use oidc_browser_core::provider::discovery::ProviderMetadata;
use oidc_browser_core::secret::RefreshToken;
use oidc_browser_core::token::revocation_body;

use crate::browser::http;

/// Revokes `token` where the provider offers it; best effort: the worker has
/// forgotten it whatever the provider answers.
pub(super) async fn revoke(config: &AuthConfig, metadata: &ProviderMetadata, token: &RefreshToken) {
    if let Some(endpoint) = metadata.revocation_endpoint.as_deref() {
        let _ = http::post_form(endpoint, revocation_body(&config.client_id, token), None).await;
    }
}
