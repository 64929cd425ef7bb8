//! Why the worker cannot serve: its configuration or a provider's metadata.

use oidc_browser_core::config::providers::ProvidersError;
use oidc_browser_core::provider::discovery::MetadataError;

use crate::error::{AuthError, BrowserError};

/// Why the worker could not start serving (it tries again at the next event).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum WorkerError {
    /// `config.json` could not be fetched.
    #[error("the token worker could not read config.json: {0}")]
    ConfigUnavailable(BrowserError),
    /// `config.json` answered with an error status.
    #[error("the token worker could not read config.json (HTTP status {0})")]
    ConfigStatus(u16),
    /// `config.json` is not usable.
    #[error("the token worker cannot use config.json: {0}")]
    Config(#[from] ProvidersError),
    /// A provider's metadata could not be read.
    #[error("the token worker could not read the provider's metadata ({provider}): {error}")]
    Metadata {
        /// The provider's storage prefix.
        provider: String,
        /// Why.
        error: MetadataError,
    },
    /// The provider's discovery document could not be read, and the configuration
    /// needs it (`dpop`, pushed requests): Auth0's documented paths would serve logins
    /// without them.
    #[error("the token worker could not read the provider's discovery document ({provider}), which its DPoP or pushed-request settings need")]
    Undiscovered {
        /// The provider's storage prefix.
        provider: String,
    },
}

/// Why a page's login could not start.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StartError {
    /// The page's options were refused.
    #[error(transparent)]
    Options(#[from] oidc_browser_core::mediation::start_login::StartLoginError),
    /// The provider or the browser failed.
    #[error(transparent)]
    Auth(#[from] AuthError),
}
