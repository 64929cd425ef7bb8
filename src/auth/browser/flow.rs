//! The two halves of a login, in the browser: leaving for the provider, and
//! finishing at the callback.

use super::error::BrowserError;
use super::storage::{self, TakeError};
use super::{clock, http, navigation, random};
use crate::auth::authorize::{begin_login, LoginOptions};
use crate::auth::callback::{CallbackError, CallbackResponse};
use crate::auth::claims::{validate_id_token, ClaimsCheck, IdTokenError};
use crate::auth::config::AuthConfig;
use crate::auth::provider_error::ProviderError;
use crate::auth::return_to::ReturnTo;
use crate::auth::session::Session;
use crate::auth::token::{authorization_code_body, TokenError, TokenResponse};

/// Why a login could not be started or finished. Each variant reads as a sentence a
/// user can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoginError {
    /// A browser facility failed.
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// The callback query is unusable.
    #[error(transparent)]
    Callback(#[from] CallbackError),
    /// The provider refused the login.
    #[error("{0}")]
    Provider(ProviderError),
    /// No matching transaction (forged, replayed, expired or from another tab).
    #[error(transparent)]
    Transaction(#[from] TakeError),
    /// The callback names another issuer (RFC 9207 mix-up defence).
    #[error("the sign-in response came from another provider than the configured one")]
    IssuerMismatch,
    /// The token endpoint refused or answered badly.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// The ID token failed validation.
    #[error("the sign-in could not be verified: {0}")]
    IdToken(#[from] IdTokenError),
}

/// Starts a login: stores a fresh transaction, then leaves for the provider.
///
/// # Errors
/// [`LoginError::Browser`] if randomness, storage or navigation fail; nothing is
/// left stored then.
pub fn start_login(config: &AuthConfig, options: LoginOptions) -> Result<(), LoginError> {
    let request = begin_login(
        config,
        options,
        &random::login_randomness()?,
        clock::now_ms(),
    );
    storage::save_transaction(&request.transaction)?;
    navigation::assign(&request.url).map_err(|e| {
        storage::clear_transactions();
        e.into()
    })
}

/// Finishes a login from the callback query: checks it against its transaction (used
/// up whatever happens), redeems the code and validates the ID token.
///
/// # Errors
/// The first [`LoginError`]; nothing is kept then.
pub async fn complete_login(
    config: &AuthConfig,
    query: &str,
) -> Result<(Session, ReturnTo), LoginError> {
    let response = CallbackResponse::parse(query)?;
    let state = response.state().cloned();
    let transaction = state
        .as_ref()
        .map(|state| storage::take_transaction(state, clock::now_ms()));
    let (code, iss) = match response {
        CallbackResponse::Error { error, .. } => return Err(LoginError::Provider(error)),
        CallbackResponse::Code { code, iss, .. } => (code, iss),
    };
    let transaction = transaction.ok_or(TakeError::UnknownState)??;
    if iss.is_some_and(|iss| iss != config.issuer) {
        return Err(LoginError::IssuerMismatch);
    }
    let body = authorization_code_body(&config.client_id, &transaction, &code);
    let answer = http::post_form(&config.endpoints.token, body).await?;
    let tokens = TokenResponse::parse(answer.status, &answer.body)?;
    let claims = validate_id_token(
        &tokens.id_token,
        &ClaimsCheck {
            issuer: &config.issuer,
            client_id: &config.client_id,
            nonce: &transaction.nonce,
            now_secs: clock::now_secs(),
            max_age: transaction.max_age,
            organization: transaction.organization.as_deref(),
        },
    )?;
    Ok((
        Session::new(tokens, claims, clock::now_ms()),
        transaction.return_to,
    ))
}
