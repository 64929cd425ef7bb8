//! The protocol flows in the browser: leaving for the provider, finishing at the
//! callback, refreshing, and the provider logout URL.

use super::crypto::verify_signature;
use super::error::BrowserError;
use super::provider::{self, MetadataError};
use super::storage::{self, TakeError};
use super::task::Task;
use super::{clock, http, locks, navigation, random, refresh_store};
use crate::auth::authorize::{begin_login, LoginOptions};
use crate::auth::callback::{CallbackError, CallbackResponse};
use crate::auth::claims::{validate_id_token, ClaimsCheck, IdTokenClaims, IdTokenError};
use crate::auth::config::{AuthConfig, RefreshTokenStorage};
use crate::auth::jwt::DecodedJwt;
use crate::auth::logout::logout_url;
use crate::auth::provider_error::ProviderError;
use crate::auth::return_to::ReturnTo;
use crate::auth::secret::{IdToken, Nonce, RefreshToken};
use crate::auth::session::Session;
use crate::auth::token::{authorization_code_body, refresh_token_body, TokenError, TokenResponse};

/// Name of the Web Lock that serializes refreshes across tabs.
const REFRESH_LOCK: &str = "leptos-pkce.refresh";

/// Why a login, a refresh or a logout failed. Each variant reads as a sentence a
/// user can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoginError {
    /// A browser facility failed.
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// The provider's metadata or keys are unavailable.
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    /// The callback query is unusable.
    #[error(transparent)]
    Callback(#[from] CallbackError),
    /// The provider refused the login.
    #[error("{0}")]
    Denied(ProviderError),
    /// No matching transaction (forged, replayed, expired or from another tab).
    #[error(transparent)]
    Transaction(#[from] TakeError),
    /// The callback names another issuer (RFC 9207 mix-up defence).
    #[error("the sign-in response came from another provider than the configured one")]
    IssuerMismatch,
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
    /// The refresh token was refused: the session is over.
    #[error("your session has ended; please sign in again")]
    SessionEnded,
    /// The user signed out in another tab of this app.
    #[error("you signed out in another tab")]
    SignedOutElsewhere,
    /// An API refused the access token even after a renewal.
    #[error("the service no longer accepts your sign-in (HTTP 401); please sign in again")]
    Unauthorized,
}

impl LoginError {
    /// True when the provider said the refresh token is no good: the user is signed
    /// out, rather than the app retrying later.
    pub fn ends_session(&self) -> bool {
        matches!(
            self,
            Self::SessionEnded | Self::SubjectChanged | Self::IdToken(_)
        )
    }
}

/// Starts a login: stores a fresh transaction, then leaves for the provider.
///
/// # Errors
/// A [`LoginError`] if the provider is unknown or the browser fails; nothing is
/// left stored then.
pub async fn start_login(config: &AuthConfig, options: LoginOptions) -> Result<(), LoginError> {
    let metadata = match provider::known_metadata(config) {
        Some(metadata) => metadata,
        None => provider::metadata(config).await?,
    };
    let request = begin_login(
        config,
        &metadata,
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
/// up whatever happens), redeems the code, and verifies the ID token's signature and
/// claims. The key set loads while the code is redeemed. Needs no configuration: the
/// transaction names the client, the issuer and the endpoints the login was started
/// with, so this can start before the app has loaded its configuration.
///
/// # Errors
/// The first [`LoginError`]; nothing is kept then.
pub async fn complete_login(query: &str) -> Result<(Session, ReturnTo), LoginError> {
    let response = CallbackResponse::parse(query)?;
    let transaction = response
        .state()
        .map(|state| storage::take_transaction(state, clock::now_ms()));
    let (code, iss) = match response {
        CallbackResponse::Error { error, .. } => return Err(LoginError::Denied(error)),
        CallbackResponse::Code { code, iss, .. } => (code, iss),
    };
    let transaction = transaction.ok_or(TakeError::UnknownState)??;
    // RFC 9207: a response from another issuer is refused before its code is spent.
    if iss.as_ref().is_some_and(|iss| *iss != transaction.issuer) {
        return Err(LoginError::IssuerMismatch);
    }

    // RFC 9207: a provider that promised `iss` and omits it is refused before the
    // code is spent.
    let endpoints = &transaction.provider;
    if iss.is_none() && endpoints.iss_parameter_supported {
        return Err(LoginError::MissingIssuer);
    }
    // The endpoints came with the transaction, so the exchange starts at once, with
    // the key set loading beside it: one round trip.
    let jwks = {
        let uri = endpoints.jwks_uri.clone();
        Task::spawn(async move { provider::jwks(&uri, false).await })
    };
    let body = authorization_code_body(&transaction, &code);
    let answer = http::post_form(&endpoints.token_endpoint, body).await?;
    let tokens = TokenResponse::parse(answer.status, &answer.body)?;
    let id_token = tokens.require_id_token()?.clone();
    let claims = verify_id_token(
        &endpoints.jwks_uri,
        jwks.join().await,
        &id_token,
        &ClaimsCheck {
            issuer: &transaction.issuer,
            client_id: &transaction.client_id,
            nonce: Some(&transaction.nonce),
            now_secs: clock::now_secs(),
            max_age: transaction.max_age,
            organization: transaction.organization.as_deref(),
        },
    )
    .await?;
    let session = Session::new(tokens, id_token, claims, clock::now_ms());
    Ok((session, transaction.return_to))
}

/// Verifies an ID token: its signature with the provider's key (fetching the key set
/// once more for an unknown `kid`), then its claims.
async fn verify_id_token(
    jwks_uri: &str,
    jwks: Result<crate::auth::jwks::Jwks, MetadataError>,
    id_token: &IdToken,
    check: &ClaimsCheck<'_>,
) -> Result<IdTokenClaims, LoginError> {
    let jwt = DecodedJwt::decode(id_token.secret())?;
    let mut keys = jwks?;
    if keys.find(&jwt.header).is_none() {
        keys = provider::jwks(jwks_uri, true).await?;
    }
    let key = keys.find(&jwt.header).ok_or(IdTokenError::UnknownKey)?;
    let verified = verify_signature(jwt, key).await?;
    Ok(validate_id_token(verified, check)?)
}

/// Spends the refresh token for new tokens, holding the cross-tab lock. With
/// `indexed_db`, the token is re-read inside the lock: another tab may have rotated
/// it a moment ago. `current` is the session being renewed (`None` when restoring
/// after a reload).
///
/// # Errors
/// [`LoginError::SessionEnded`] when the provider refuses the token
/// (`invalid_grant`); other errors leave the session as it was.
pub async fn refresh(config: &AuthConfig, current: Option<Session>) -> Result<Session, LoginError> {
    let config = config.clone();
    locks::with_lock(REFRESH_LOCK, async move {
        refresh_locked(&config, current).await
    })
    .await
}

async fn refresh_locked(
    config: &AuthConfig,
    current: Option<Session>,
) -> Result<Session, LoginError> {
    let stored = match config.refresh_token_storage {
        RefreshTokenStorage::IndexedDb => refresh_store::load().await,
        RefreshTokenStorage::Memory => None,
    };
    let refresh_token = stored
        .or_else(|| current.as_ref().and_then(|s| s.refresh_token.clone()))
        .ok_or(LoginError::SessionEnded)?;
    let metadata = provider::metadata(config).await?;
    let jwks = {
        let uri = metadata.jwks_uri.clone();
        Task::spawn(async move { provider::jwks(&uri, false).await })
    };
    let answer = http::post_form(
        &metadata.token_endpoint,
        refresh_token_body(&config.client_id, &refresh_token),
    )
    .await?;
    let tokens = match TokenResponse::parse(answer.status, &answer.body) {
        Ok(tokens) => tokens,
        Err(TokenError::Server(error)) if error.error == "invalid_grant" => {
            keep_refresh_token(config, None).await;
            return Err(LoginError::SessionEnded);
        }
        Err(error) => return Err(error.into()),
    };
    // The old token is spent: keep the rotated one before anything else can fail.
    let next_refresh_token = tokens.refresh_token.clone().or(Some(refresh_token));
    keep_refresh_token(config, next_refresh_token.as_ref()).await;
    let no_nonce: Option<&Nonce> = None;
    let id_token = match &tokens.id_token {
        Some(raw) => {
            let check = ClaimsCheck {
                issuer: &config.issuer,
                client_id: &config.client_id,
                nonce: no_nonce,
                now_secs: clock::now_secs(),
                max_age: None,
                organization: None,
            };
            let claims =
                verify_id_token(&metadata.jwks_uri, jwks.join().await, raw, &check).await?;
            // OpenID Connect Core 12.2: a refreshed ID token is about the same user.
            if current.as_ref().is_some_and(|s| s.claims.sub != claims.sub) {
                return Err(LoginError::SubjectChanged);
            }
            Some((raw.clone(), claims))
        }
        None => None,
    };
    let now = clock::now_ms();
    match (current, id_token) {
        (Some(session), id_token) => Ok(session.refreshed(tokens, id_token, now)),
        (None, Some((raw, claims))) => Ok(Session::new(tokens, raw, claims, now)),
        // Restoring after a reload needs an ID token to know who this is.
        (None, None) => Err(TokenError::MissingIdToken.into()),
    }
}

/// Stores (or with `None` removes) the refresh token when the configuration keeps it
/// in IndexedDB; returns once the write has committed.
pub async fn keep_refresh_token(config: &AuthConfig, token: Option<&RefreshToken>) {
    if config.refresh_token_storage == RefreshTokenStorage::IndexedDb {
        refresh_store::store(token).await;
    }
}

/// The provider logout URL for ending the session of `id_token`'s user.
///
/// # Errors
/// [`LoginError::Metadata`] when the provider's metadata is unavailable.
pub async fn provider_logout_url(
    config: &AuthConfig,
    id_token: Option<&IdToken>,
) -> Result<String, LoginError> {
    let metadata = provider::metadata(config).await?;
    Ok(logout_url(config, &metadata, id_token))
}
