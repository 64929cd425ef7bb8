//! The library's errors: what failed in the browser ([`BrowserError`]) and why a login,
//! a renewal or a call with the access token failed ([`AuthError`]). Every message
//! reads as a sentence a user can act on, and none quotes a token.

pub use crate::browser_error::BrowserError;
use crate::callback::CallbackError;
use crate::discovery::MetadataError;
use crate::id_token::IdTokenError;
use crate::provider_error::ProviderError;
use crate::token::TokenError;
use crate::transaction::TakeError;
use crate::userinfo::UserinfoError;

/// Why a login, a renewal or a call with the access token failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AuthError {
    /// A browser facility failed.
    #[error(transparent)]
    Browser(#[from] BrowserError),
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
    /// with a login built by [`crate::step_up::StepUp::login_options`].
    #[error("this needs a stronger sign-in (such as a second factor); please confirm it's you")]
    StepUpRequired(crate::step_up::StepUp),
    /// An API answered a JSON call with an error status.
    #[error("the API answered with HTTP status {0}")]
    ApiStatus(u16),
    /// An API's answer is not the JSON the app expects; names neither the body nor
    /// its values.
    #[error("the API's answer is not the JSON this app expects")]
    ApiBody,
    /// A DPoP key or proof could not be made.
    #[error(transparent)]
    Dpop(#[from] crate::dpop::DpopError),
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
    /// The options given to a login cannot be used.
    #[error(transparent)]
    LoginOptions(#[from] crate::login_options::LoginOptionsError),
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
    /// The browser came back (Back button) to the page that left for a sign-in
    /// before it finished.
    #[error("the sign-in was not finished; sign in again to continue")]
    LoginNotFinished,
    /// The user signed out in another tab of this app.
    #[error("you signed out in another tab")]
    SignedOutElsewhere,
    /// Another account signed in to this app in another tab: this tab's session (of
    /// the previous account) is dropped, and the new account's tokens are not its own.
    #[error(
        "another account signed in to this app in another tab; sign in again to continue here"
    )]
    AccountSwitchedElsewhere,
    /// A silent sign-in got no answer in time (the provider's cookies may be blocked
    /// in frames).
    #[error("the sign-in service did not answer in time")]
    SilentTimeout,
    /// The userinfo answer is not about the signed-in user (Core 5.3.4), or unusable.
    #[error(transparent)]
    Userinfo(#[from] UserinfoError),
    /// An API refused the access token even after a renewal (that call fails; the
    /// session goes on).
    #[error("the service refused your sign-in even after it was renewed (HTTP 401)")]
    Unauthorized,
}

impl AuthError {
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
}

impl AuthError {
    /// True for a failure that may pass by itself: no answer (offline, a timeout), a
    /// provider hiccup (5xx, 429, `server_error`, `temporarily_unavailable`). A silent
    /// sign-in at start that fails this way keeps the "signed in here before" mark, so
    /// the next page load tries again; any other failure is lasting.
    pub fn is_transient(&self) -> bool {
        let browser_passing = |error: &BrowserError| {
            matches!(
                error,
                BrowserError::Network(_)
                    | BrowserError::Timeout(_)
                    | BrowserError::ChunkUnavailable
            )
        };
        match self {
            Self::Browser(error) | Self::Metadata(MetadataError::Browser(error)) => {
                browser_passing(error)
            }
            Self::Metadata(MetadataError::Status(status)) => *status >= 500 || *status == 429,
            Self::Token(error) => error.is_passing(),
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

    #[test]
    fn only_passing_failures_are_transient() {
        for error in [
            AuthError::Browser(BrowserError::Network("https://id.example".into())),
            AuthError::Metadata(MetadataError::Browser(BrowserError::Timeout("x".into()))),
            AuthError::Metadata(MetadataError::Status(503)),
            AuthError::Browser(BrowserError::ChunkUnavailable),
            AuthError::Token(TokenError::Status(502)),
            server("temporarily_unavailable"),
        ] {
            assert!(error.is_transient(), "{error:?}");
        }
        for error in [
            AuthError::Denied(ProviderError {
                error: "access_denied".into(),
                error_description: None,
            }),
            AuthError::Metadata(MetadataError::Status(404)),
            AuthError::Browser(BrowserError::StorageUnavailable),
            AuthError::IdToken(IdTokenError::BadSignature),
            AuthError::Transaction(TakeError::UnknownState),
            server("invalid_grant"),
        ] {
            assert!(!error.is_transient(), "{error:?}");
        }
    }

    fn server(error: &str) -> AuthError {
        AuthError::Token(TokenError::Server(ProviderError {
            error: error.into(),
            error_description: None,
        }))
    }

    #[test]
    fn a_refused_or_unverifiable_session_ends() {
        for error in [
            AuthError::SessionEnded,
            AuthError::SubjectChanged,
            AuthError::IdToken(IdTokenError::BadSignature),
            AuthError::IssuerMismatch,
            AuthError::ConfigurationChanged,
            AuthError::Unauthorized,
            AuthError::SignedOutElsewhere,
            AuthError::AccountSwitchedElsewhere,
            server("invalid_client"),
            server("unauthorized_client"),
            server("login_required"),
            server("consent_required"),
            server("interaction_required"),
            server("mfa_required"),
            AuthError::Token(TokenError::MissingIdToken),
        ] {
            assert!(error.ends_session(), "{error:?}");
        }
    }

    #[test]
    fn passing_failures_keep_the_session() {
        for error in [
            AuthError::Browser(BrowserError::Network("https://id.example".into())),
            AuthError::Browser(BrowserError::Timeout("https://id.example".into())),
            AuthError::Token(TokenError::Status(503)),
            server("temporarily_unavailable"),
            server("server_error"),
            AuthError::Metadata(MetadataError::Status(500)),
        ] {
            assert!(!error.ends_session(), "{error:?}");
        }
    }
}
