//! Why a protocol step failed ([`ProtocolError`]), and the rules of what that means for
//! the session: which failures end it, and which may pass by themselves.

use crate::authorization::login_options::LoginOptionsError;
use crate::authorization::par::PushError;
use crate::authorization::step_up::StepUp;
use crate::authorization::transaction::TakeError;
use crate::callback::CallbackError;
use crate::dpop::DpopError;
use crate::id_token::IdTokenError;
use crate::provider::discovery::MetadataError;
use crate::provider::provider_error::ProviderError;
use crate::session::userinfo::UserinfoError;
use crate::token::TokenError;

/// Why a login, a renewal or a call with the access token failed, as the protocol
/// sees it. Every message reads as a sentence a user can act on, and none quotes a
/// token or a value the provider sent.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProtocolError {
    /// The provider's metadata or keys are unavailable.
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    /// The callback query is unusable.
    #[error(transparent)]
    Callback(#[from] CallbackError),
    /// The provider refused the login (an error answer that matched this tab's login).
    #[error("{0}")]
    Denied(ProviderError),
    /// No matching transaction (forged, replayed, expired or from another tab).
    #[error(transparent)]
    Transaction(#[from] TakeError),
    /// The API or the token endpoint wants the user to authenticate more strongly
    /// (RFC 9470 `insufficient_user_authentication`, Auth0 `mfa_required`): answer
    /// with a login built by [`StepUp::login_options`].
    #[error("this needs a stronger sign-in (such as a second factor); please confirm it's you")]
    StepUpRequired(StepUp),
    /// A DPoP key or proof could not be made.
    #[error(transparent)]
    Dpop(#[from] DpopError),
    /// The options given to a login cannot be used.
    #[error(transparent)]
    LoginOptions(#[from] LoginOptionsError),
    /// A login's pushed request (RFC 9126) failed, before the browser left.
    #[error(transparent)]
    Push(#[from] PushError),
    /// The callback names another issuer (RFC 9207 mix-up defence).
    #[error("the sign-in response came from another provider than the configured one")]
    IssuerMismatch,
    /// The login was started for another issuer or client than the configuration loaded
    /// at the callback names (a deployment in between): its session is not kept.
    #[error("the app's sign-in settings changed while you were signing in; please sign in again")]
    ConfigurationChanged,
    /// The provider promises `iss` in every response (RFC 9207) and this one has none.
    #[error("the sign-in response does not say which provider sent it")]
    MissingIssuer,
    /// The token endpoint refused or answered badly.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// The ID token failed verification.
    #[error("the sign-in could not be verified: {0}")]
    IdToken(#[from] IdTokenError),
    /// A refreshed ID token names another user.
    #[error("the renewed sign-in belongs to another user")]
    SubjectChanged,
    /// A refreshed ID token changed `iss`, `aud` or `auth_time` (OpenID Connect Core
    /// 12.2): it does not continue this session.
    #[error("the renewed sign-in does not continue this session ({0} changed)")]
    RefreshedClaimChanged(&'static str),
    /// A renewal without a refresh token found no session at the provider from the
    /// hidden frame, and the provider is on another site than the app: the browser
    /// most likely keeps the provider's cookies from frames (third-party cookies
    /// blocked), so every renewal in the background would end the same way.
    #[error("your session could not be renewed in the background: this browser keeps the sign-in service's cookies from this site (third-party cookies). Sign in again to continue; to stay signed in, allow its cookies or ask for offline access")]
    BackgroundRenewalBlocked,
    /// The refresh token was refused, or there is none: the session is over.
    #[error("your session has ended; please sign in again")]
    SessionEnded,
    /// The user signed out in another tab of this app.
    #[error("you signed out in another tab")]
    SignedOutElsewhere,
    /// Another account signed in to this app in another tab: this tab's session (of
    /// the previous account) is dropped, and the new account's tokens are not its own.
    #[error(
        "another account signed in to this app in another tab; sign in again to continue here"
    )]
    AccountSwitchedElsewhere,
    /// The userinfo answer is not about the signed-in user (Core 5.3.4), or unusable.
    #[error(transparent)]
    Userinfo(#[from] UserinfoError),
    /// An API refused the access token even after a renewal (that call fails; the
    /// session goes on).
    #[error("the service refused your sign-in even after it was renewed (HTTP 401)")]
    Unauthorized,
}

impl ProtocolError {
    /// True when the session cannot go on: the user is signed out (and a stored
    /// refresh token forgotten) rather than the app retrying later. One rule for
    /// renewing a live session and for restoring one after a reload.
    ///
    /// The provider refusing the refresh token, an ID token that fails its checks or
    /// names another user or issuer, and an API that refuses a fresh token end it;
    /// network failures, timeouts and server hiccups (5xx, `temporarily_unavailable`)
    /// do not: the refresh token may still be good.
    pub fn ends_session(&self) -> bool {
        match self {
            Self::SessionEnded
            | Self::SubjectChanged
            | Self::RefreshedClaimChanged(_)
            | Self::IdToken(_)
            | Self::IssuerMismatch
            | Self::ConfigurationChanged
            | Self::Unauthorized
            | Self::SignedOutElsewhere
            | Self::AccountSwitchedElsewhere
            | Self::BackgroundRenewalBlocked => true,
            // A successful status with an unusable body, or a refused client: the
            // same request will not do better later.
            Self::Token(error) => !error.is_passing(),
            _ => false,
        }
    }

    /// True for a failure that may pass by itself: no answer (offline, a timeout), a
    /// provider hiccup (5xx, 429, `server_error`, `temporarily_unavailable`). A silent
    /// sign-in at start that fails this way keeps the "signed in here before" mark, so
    /// the next page load tries again; any other failure is lasting.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Metadata(MetadataError::Browser(error)) => error.is_passing(),
            Self::Metadata(MetadataError::Status(status)) => *status >= 500 || *status == 429,
            Self::Token(error) => error.is_passing(),
            Self::Push(error) => error.is_transient(),
            Self::Denied(error) => matches!(
                error.error.as_str(),
                "server_error" | "temporarily_unavailable"
            ),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browser_error::BrowserError;

    #[test]
    fn only_passing_failures_are_transient() {
        for error in [
            ProtocolError::Metadata(MetadataError::Browser(BrowserError::Timeout("x".into()))),
            ProtocolError::Metadata(MetadataError::Browser(BrowserError::Network("x".into()))),
            ProtocolError::Metadata(MetadataError::Status(503)),
            ProtocolError::Metadata(MetadataError::Status(429)),
            ProtocolError::Token(TokenError::Status(502)),
            server("temporarily_unavailable"),
            denied("server_error"),
            ProtocolError::Push(PushError::Status(503)),
            ProtocolError::Push(PushError::NoDiscovery),
        ] {
            assert!(error.is_transient(), "{error:?}");
        }
        for error in [
            denied("access_denied"),
            ProtocolError::Metadata(MetadataError::Status(404)),
            ProtocolError::Metadata(MetadataError::Browser(BrowserError::StorageUnavailable)),
            ProtocolError::IdToken(IdTokenError::BadSignature),
            ProtocolError::Transaction(TakeError::UnknownState),
            server("invalid_grant"),
            ProtocolError::Push(PushError::Refused(provider("invalid_request"))),
            ProtocolError::Push(PushError::Unavailable),
        ] {
            assert!(!error.is_transient(), "{error:?}");
        }
    }

    fn server(error: &str) -> ProtocolError {
        ProtocolError::Token(TokenError::Server(provider(error)))
    }

    fn denied(error: &str) -> ProtocolError {
        ProtocolError::Denied(provider(error))
    }

    fn provider(error: &str) -> ProviderError {
        ProviderError {
            error: error.into(),
            error_description: None,
        }
    }

    #[test]
    fn a_refused_or_unverifiable_session_ends() {
        for error in [
            ProtocolError::SessionEnded,
            ProtocolError::SubjectChanged,
            ProtocolError::RefreshedClaimChanged("aud"),
            ProtocolError::IdToken(IdTokenError::BadSignature),
            ProtocolError::IssuerMismatch,
            ProtocolError::ConfigurationChanged,
            ProtocolError::Unauthorized,
            ProtocolError::SignedOutElsewhere,
            ProtocolError::AccountSwitchedElsewhere,
            ProtocolError::BackgroundRenewalBlocked,
            server("invalid_client"),
            server("unauthorized_client"),
            server("login_required"),
            server("consent_required"),
            server("interaction_required"),
            server("mfa_required"),
            ProtocolError::Token(TokenError::MissingIdToken),
        ] {
            assert!(error.ends_session(), "{error:?}");
        }
    }

    #[test]
    fn passing_failures_keep_the_session() {
        for error in [
            ProtocolError::Metadata(MetadataError::Browser(BrowserError::Network("x".into()))),
            ProtocolError::Token(TokenError::Status(503)),
            server("temporarily_unavailable"),
            server("server_error"),
            ProtocolError::Metadata(MetadataError::Status(500)),
            denied("access_denied"),
            ProtocolError::MissingIssuer,
        ] {
            assert!(!error.ends_session(), "{error:?}");
        }
    }
}
