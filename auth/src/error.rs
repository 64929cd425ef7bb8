//! The library's error: why a login, a renewal or a call with the access token failed
//! ([`AuthError`]). The protocol's reasons come from the core
//! ([`ProtocolError`], with its rules of which end a session); the browser's own
//! failures ([`BrowserError`]) and the popup's and the API call's are added here.
//! Every message reads as a sentence a user can act on, and none quotes a token.

use oidc_browser_core::authorization::login_options::LoginOptionsError;
use oidc_browser_core::authorization::step_up::StepUp;
use oidc_browser_core::authorization::transaction::TakeError;
use oidc_browser_core::callback::CallbackError;
use oidc_browser_core::dpop::DpopError;
use oidc_browser_core::id_token::IdTokenError;
use oidc_browser_core::mediation::page::MediationError;
use oidc_browser_core::provider::discovery::MetadataError;
use oidc_browser_core::session::silent::PopupClosed;
use oidc_browser_core::session::userinfo::UserinfoError;
use oidc_browser_core::token::TokenError;
pub use oidc_browser_core::{BrowserError, ProtocolError};

/// Why a login, a renewal or a call with the access token failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AuthError {
    /// A browser facility failed.
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// The protocol refused or could not finish a step: the provider's answer, the ID
    /// token, the session (see [`ProtocolError`]).
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    /// An API answered a JSON call with an error status.
    #[error("the API answered with HTTP status {0}")]
    ApiStatus(u16),
    /// An API's answer is not the JSON the app expects; names neither the body nor
    /// its values.
    #[error("the API's answer is not the JSON this app expects")]
    ApiBody,
    /// The browser blocked the sign-in popup (it must open from a click).
    #[error("the sign-in window was blocked by the browser; allow pop-ups for this site, or sign in without a pop-up")]
    PopupBlocked,
    /// The user closed the sign-in popup before it finished.
    #[error("the sign-in window was closed before the sign-in finished")]
    PopupClosed,
    /// The popup read as closed at once: the provider's page cut its link to this
    /// window (`Cross-Origin-Opener-Policy: same-origin`), so its answer could never
    /// come back.
    #[error("the sign-in provider's page does not let a pop-up report back to this app; sign in without a pop-up")]
    PopupSevered,
    /// The sign-in popup did not answer within `popup_timeout_secs`.
    #[error("the sign-in window did not finish in time; please try again")]
    PopupTimeout,
    /// The browser came back (Back button) to the page that left for a sign-in
    /// before it finished.
    #[error("the sign-in was not finished; sign in again to continue")]
    LoginNotFinished,
    /// A silent sign-in got no answer in time (the provider's cookies may be blocked
    /// in frames).
    #[error("the sign-in service did not answer in time")]
    SilentTimeout,
    /// The token worker (`token_mediation`) could not do what was asked, or none can
    /// be used.
    #[error(transparent)]
    Mediation(#[from] MediationError),
}

/// Each protocol step's error is a [`ProtocolError`], and so an [`AuthError`].
macro_rules! through_protocol {
    ($($error:ty),* $(,)?) => {
        $(impl From<$error> for AuthError {
            fn from(error: $error) -> Self {
                Self::Protocol(error.into())
            }
        })*
    };
}

through_protocol!(
    MetadataError,
    CallbackError,
    TakeError,
    DpopError,
    LoginOptionsError,
    TokenError,
    IdTokenError,
    UserinfoError,
);

impl From<PopupClosed> for AuthError {
    fn from(closed: PopupClosed) -> Self {
        match closed {
            PopupClosed::Severed => Self::PopupSevered,
            PopupClosed::ByUser => Self::PopupClosed,
        }
    }
}

/// What finishing a login gives, or why it failed.
#[cfg(target_arch = "wasm32")]
pub type LoginOutcome = Result<oidc_browser_core::callback::login::Finished, AuthError>;

impl AuthError {
    /// True when the session cannot go on: the user is signed out (and a stored
    /// refresh token forgotten) rather than the app retrying later. The rule is the
    /// core's ([`ProtocolError::ends_session`]); no failure of the browser's own
    /// ends a session.
    pub fn ends_session(&self) -> bool {
        self.protocol().is_some_and(ProtocolError::ends_session)
    }

    /// True for a failure that may pass by itself: no answer (offline, a timeout), a
    /// provider hiccup (5xx, 429, `server_error`, `temporarily_unavailable`). A silent
    /// sign-in at start that fails this way keeps the "signed in here before" mark, so
    /// the next page load tries again; any other failure is lasting.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Browser(error) => error.is_passing(),
            Self::Protocol(error) => error.is_transient(),
            _ => false,
        }
    }

    /// The protocol's reason, when the failure is one.
    pub fn protocol(&self) -> Option<&ProtocolError> {
        match self {
            Self::Protocol(error) => Some(error),
            _ => None,
        }
    }

    /// The stronger sign-in an API or the token endpoint asks for, when that is the
    /// failure: answer with a login built by [`StepUp::login_options`].
    pub fn step_up(&self) -> Option<&StepUp> {
        match self {
            Self::Protocol(ProtocolError::StepUpRequired(step_up)) => Some(step_up),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browsers_own_failures_never_end_a_session() {
        for error in [
            AuthError::Browser(BrowserError::Network("https://id.example".into())),
            AuthError::Browser(BrowserError::StorageUnavailable),
            AuthError::PopupClosed,
            AuthError::PopupTimeout,
            AuthError::SilentTimeout,
            AuthError::LoginNotFinished,
            AuthError::ApiStatus(500),
        ] {
            assert!(!error.ends_session(), "{error:?}");
        }
        assert!(AuthError::Protocol(ProtocolError::SessionEnded).ends_session());
        assert!(AuthError::from(TokenError::MissingIdToken).ends_session());
    }

    #[test]
    fn passing_failures_are_the_browsers_and_the_protocols() {
        for error in [
            AuthError::Browser(BrowserError::Network("https://id.example".into())),
            AuthError::Browser(BrowserError::Timeout("https://id.example".into())),
            AuthError::Browser(BrowserError::ChunkUnavailable),
            AuthError::from(TokenError::Status(503)),
            AuthError::from(MetadataError::Status(502)),
        ] {
            assert!(error.is_transient(), "{error:?}");
        }
        for error in [
            AuthError::Browser(BrowserError::StorageUnavailable),
            AuthError::Browser(BrowserError::StorageWrite),
            AuthError::PopupBlocked,
            AuthError::from(TokenError::Status(400)),
        ] {
            assert!(!error.is_transient(), "{error:?}");
        }
    }

    #[test]
    fn a_popup_closed_at_once_reads_as_severed() {
        assert_eq!(
            AuthError::from(PopupClosed::Severed),
            AuthError::PopupSevered
        );
        assert_eq!(AuthError::from(PopupClosed::ByUser), AuthError::PopupClosed);
    }
}
