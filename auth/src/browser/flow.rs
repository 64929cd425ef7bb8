//! The protocol flows in the browser: leaving for the provider, finishing at the
//! callback, refreshing, and the logout target. Each step fetches or stores and
//! hands the answer to the pure core (`login`, `refresh`, `logout`), which decides.

use std::cell::RefCell;

use super::crypto::verify_signature;
use super::http::HttpResponse;
use super::task::Task;
use super::{
    clock, dpop, dpop_token, http, locks, navigation, par, provider, random, refresh_store, storage,
};
use crate::error::{AuthError, BrowserError};
use oidc_browser_core::authorization::authorize::{begin_login, AnsweredIn, AuthorizeRequest};
use oidc_browser_core::authorization::login_options::LoginOptions;
use oidc_browser_core::authorization::step_up::StepUp;
use oidc_browser_core::authorization::transaction::KEY_SET_WAIT_MS;
use oidc_browser_core::callback::login::{
    check_callback_or_replay, id_token_check, CallbackVerdict, Finished, Landing,
};
use oidc_browser_core::callback::{CallbackError, CallbackResponse};
use oidc_browser_core::config::names::StorageNames;
use oidc_browser_core::config::{AuthConfig, RefreshTokenStorage};
use oidc_browser_core::dpop::DpopError;
use oidc_browser_core::id_token::claims::{
    validate_id_token, ClaimsCheck, ExpectedClaims, IdTokenClaims,
};
use oidc_browser_core::id_token::jwks::Jwks;
use oidc_browser_core::id_token::jwt::DecodedJwt;
use oidc_browser_core::provider::discovery::{MetadataError, ProviderMetadata};
use oidc_browser_core::secret::{IdToken, RefreshToken};
use oidc_browser_core::session::logout::{logout_target, LogoutOptions, LogoutTarget};
use oidc_browser_core::session::Session;
use oidc_browser_core::token::refresh::{
    accept_refresh, may_forget_kept, read_refresh_answer, refresh_token_after_login,
    refreshed_id_token_check, spendable_refresh_token, AfterLogin, OwnedRefreshToken,
};
use oidc_browser_core::token::token_request::{refresh_body_for, TokenKey, TokenRequest};
use oidc_browser_core::token::{
    authorization_code_body, revocation_body, TokenError, TokenResponse,
};
use oidc_browser_core::ProtocolError;

/// Starts a login: stores a fresh transaction, then leaves for the provider.
///
/// # Errors
/// An [`AuthError`] if the provider is unknown or the browser fails; nothing is
/// left stored then.
pub async fn start_login(
    config: &AuthConfig,
    options: LoginOptions,
    still_current: impl Fn() -> bool,
) -> Result<(), AuthError> {
    let (names, request) = store_login(config, options, AnsweredIn::Page).await?;
    // A sign-out (here or heard from another tab) while the login was prepared (the
    // discovery, the key, the push): the login does not leave, and goes.
    if !still_current() {
        let _ = storage::take_transaction(&names, &request.transaction.state, clock::now_ms());
        return Ok(());
    }
    navigation::assign(&request.url).map_err(|e| {
        storage::clear_transactions(&names);
        e.into()
    })
}

/// Builds a login answered `answered_in` the page or a popup and stores its
/// transaction; the caller sends the browser to its URL.
///
/// # Errors
/// An [`AuthError`] if the provider is unknown, the options are refused or the
/// browser fails; nothing is stored then.
pub async fn store_login(
    config: &AuthConfig,
    options: LoginOptions,
    answered_in: AnsweredIn,
) -> Result<(StorageNames, AuthorizeRequest), AuthError> {
    let metadata = provider::metadata_for_login(config, KEY_SET_WAIT_MS).await?;
    let mut request = begin_login(
        config,
        &metadata,
        options,
        answered_in,
        &random::login_randomness()?,
        clock::now_ms(),
    )?;
    // The key set goes with the login, so the callback verifies without asking for it.
    let endpoints = &mut request.transaction.provider;
    let keys = provider::key_set_text(&endpoints.jwks_uri, KEY_SET_WAIT_MS).await;
    endpoints.carry_keys(keys);
    let names = StorageNames::new(&config.storage_prefix);
    bind_push_and_save(config, &metadata, &names, &mut request).await?;
    Ok((names, request))
}

/// The last steps of every login, whichever way it is answered: binds the code to the
/// DPoP key when DPoP is on, pushes the request where it applies (RFC 9126), and only
/// then stores the transaction, so a failure on the way stores nothing.
///
/// # Errors
/// An [`AuthError`] when the key cannot be read or made, the push fails, or the
/// transaction cannot be stored.
pub async fn bind_push_and_save(
    config: &AuthConfig,
    metadata: &ProviderMetadata,
    names: &StorageNames,
    request: &mut AuthorizeRequest,
) -> Result<(), AuthError> {
    if request.transaction.dpop {
        // Made now, not at the callback: the code exchange there finds it ready, and
        // the code is bound to it. Read from IndexedDB, not this page's copy, which
        // another tab's sign-out may have made stale.
        let key = dpop::stored_key(names, true)
            .await?
            .ok_or(DpopError::Crypto)?;
        request.bind_to_dpop_key(&dpop::thumbprint(&key));
    }
    par::push_if_needed(config, metadata, request).await?;
    storage::save_transaction(names, &request.transaction)?;
    Ok(())
}

/// Finishes a login from the parsed callback answer: the core checks it against its
/// transaction (used up whatever happens), then the code is redeemed and the ID
/// token's signature and claims verified. The key set loads while the code is
/// redeemed. Needs no configuration: the transaction names the client, the issuer
/// and the endpoints the login was started with, so this can start before the app
/// has loaded its configuration.
///
/// # Errors
/// The first [`AuthError`]; nothing is kept then.
///
/// Boxed: the callback, the silent sign-in and the popup each await it, and one
/// compiled state machine serves all three (measured: see the size note below).
pub fn complete_login(
    names: &StorageNames,
    answer: Result<CallbackResponse, CallbackError>,
    in_page: bool,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Finished, AuthError>>>> {
    let names = names.clone();
    Box::pin(async move { finish_code_exchange(&names, answer, in_page).await })
}

crate::lazy_fn! {
    chunk pkce_login_callback, preload preload_login_callback;
    /// [`complete_login`] from the callback's own chunk. In the split build a script in
    /// the page's head starts downloading that chunk with the main module when the
    /// address has a `state` (see xtask's split step), so the token request waits for
    /// no extra round trip.
    fn complete_login_in_chunk(
        names: StorageNames,
        answer: Result<CallbackResponse, CallbackError>,
        in_page: bool,
    ) -> crate::lazy::Boxed<Result<Finished, AuthError>> {
        complete_login(&names, answer, in_page)
    }
}

/// [`complete_login`], its code loaded first.
///
/// # Errors
/// [`BrowserError::ChunkUnavailable`] when the code cannot be loaded, else the
/// login's.
pub async fn complete_login_lazily(
    names: StorageNames,
    answer: Result<CallbackResponse, CallbackError>,
    in_page: bool,
) -> Result<Finished, AuthError> {
    crate::lazy::needed(complete_login_in_chunk(names, answer, in_page))
        .await?
        .await
}

/// `in_page`: the answer came to the page's own callback (not a frame or a popup), so
/// the tab's history holds the provider's pages and a replay may come back.
async fn finish_code_exchange(
    names: &StorageNames,
    answer: Result<CallbackResponse, CallbackError>,
    in_page: bool,
) -> Result<Finished, AuthError> {
    let response = answer?;
    let now_ms = clock::now_ms();
    // With DPoP, the proof's code loads before the transaction is taken: a chunk that
    // cannot load leaves the login in place, to be answered again (Back to the
    // provider), where taking it first would spend it for nothing.
    let with_dpop = response
        .state()
        .and_then(|state| storage::peek_transaction(names, state, now_ms))
        .is_some_and(|transaction| transaction.dpop);
    if with_dpop {
        dpop_token::load().await?;
    }
    let taken = response
        .state()
        .map(|state| storage::take_transaction(names, state, now_ms));
    let replayed_to = response
        .state()
        .and_then(|state| storage::spent_login(names, state, now_ms));
    let (transaction, code) = match check_callback_or_replay(response, taken, replayed_to)? {
        CallbackVerdict::Redeem(transaction, code) => (*transaction, code),
        CallbackVerdict::SignedOutQuietly(return_to) => {
            return Ok(Finished::SignedOutQuietly(return_to))
        }
        CallbackVerdict::Replayed(return_to) => return Ok(Finished::Replayed(return_to)),
    };
    // Logins answered in the page only: those are in the tab's history, where Back
    // can reach the provider's page (frames' and popups' would crowd them out).
    if in_page {
        storage::remember_spent_login(names, &transaction.state, &transaction.return_to, now_ms);
    }
    let endpoints = &transaction.provider;
    if let (Some(keys), Some(text)) = (endpoints.carried_keys(), &endpoints.keys) {
        provider::adopt_key_set(&endpoints.jwks_uri, keys, text);
    }
    let jwks = {
        let uri = endpoints.jwks_uri.clone();
        Task::spawn(async move { provider::jwks(&uri, false).await })
    };
    // The verification's chunk downloads while the code is redeemed: no extra wait.
    preload_verification();
    let body = authorization_code_body(&transaction, &code);
    let answer = token_request(
        names,
        &endpoints.token_endpoint,
        body,
        transaction.dpop,
        Some(transaction.dpop_jkt.as_deref()),
    )
    .await?;
    let tokens = TokenResponse::parse(answer.status, &answer.body)?;
    let id_token = tokens.require_id_token()?.clone();
    let claims = verify_lazily(
        &endpoints.jwks_uri,
        jwks.join().await,
        &id_token,
        &id_token_check(
            &transaction,
            tokens.access_token.secret(),
            clock::now_secs(),
        ),
    )
    .await?;
    let session = Session::new(tokens, id_token, claims, clock::now_ms());
    Ok(Finished::SignedIn(
        Box::new(session),
        Landing {
            return_to: transaction.return_to,
            app_state: transaction.app_state,
            api: TokenRequest {
                audience: transaction.audience,
                scope: transaction.scope,
            },
        },
    ))
}

/// True when token requests to this provider carry DPoP proofs: `dpop` is on and the
/// provider accepts ES256 proofs.
pub fn uses_dpop(config: &AuthConfig, metadata: &ProviderMetadata) -> bool {
    config.dpop && oidc_browser_core::dpop::supported(&metadata.dpop_signing_alg_values_supported)
}

/// Sends a token request to `endpoint`: with a DPoP proof signed with the app's key
/// when `dpop` ([`dpop_token::token_request_lazily`], whose code loads only then).
/// For a code, `code_bound_to` gives the key the login bound it to, if any.
///
/// # Errors
/// A failed request, or with DPoP, the key's and proof's errors (or the chunk's).
async fn token_request(
    names: &StorageNames,
    endpoint: &str,
    body: String,
    dpop: bool,
    code_bound_to: Option<Option<&str>>,
) -> Result<HttpResponse, AuthError> {
    if !dpop {
        return Ok(http::post_form(endpoint, body, None).await?);
    }
    dpop_token::token_request_lazily(names, endpoint, body, code_bound_to).await
}

crate::lazy_fn! {
    chunk pkce_id_token_verification, preload preload_id_token_verification;
    /// [`verify_id_token`] from its own chunk: decoding, key selection, the signature
    /// and every claim check load when a token is first verified, not with the app.
    fn verify_in_chunk(
        jwks_uri: String,
        jwks: Result<Jwks, MetadataError>,
        id_token: IdToken,
        expected: ExpectedClaims,
    ) -> crate::lazy::Boxed<Result<IdTokenClaims, AuthError>> {
        Box::pin(async move { verify_id_token(&jwks_uri, jwks, &id_token, &expected.check()).await })
    }
}

/// Starts fetching the verification's chunk, so a token answer on its way finds it
/// loaded (a failure here shows again, and is reported, when the chunk is needed).
pub fn preload_verification() {
    wasm_bindgen_futures::spawn_local(async {
        let _ = crate::lazy::in_time(preload_id_token_verification()).await;
    });
}

/// Verifies an ID token ([`verify_id_token`]), loading its code first.
///
/// # Errors
/// [`BrowserError::ChunkUnavailable`] when the code cannot be loaded (a passing
/// failure: a renewal keeps the session), else the verification's.
async fn verify_lazily(
    jwks_uri: &str,
    jwks: Result<Jwks, MetadataError>,
    id_token: &IdToken,
    check: &ClaimsCheck<'_>,
) -> Result<IdTokenClaims, AuthError> {
    let verify = crate::lazy::needed(verify_in_chunk(
        jwks_uri.to_owned(),
        jwks,
        id_token.clone(),
        ExpectedClaims::from(check),
    ))
    .await?;
    verify.await
}

/// Verifies an ID token: its signature with the provider's key (fetching the key set
/// once more for an unknown `kid`), then its claims.
pub(crate) async fn verify_id_token(
    jwks_uri: &str,
    jwks: Result<Jwks, MetadataError>,
    id_token: &IdToken,
    check: &ClaimsCheck<'_>,
) -> Result<IdTokenClaims, AuthError> {
    let jwt = DecodedJwt::decode(id_token.secret())?;
    let mut keys = jwks?;
    if keys.find(jwt.header()).is_none() {
        keys = provider::jwks(jwks_uri, true).await?;
    }
    let key = keys.select(jwt.header())?;
    let verified = verify_signature(jwt, key).await?;
    let claims = validate_id_token(verified, check)?;
    if !claims.dropped.is_empty() {
        // Names the claims, never their values.
        web_sys::console::warn_1(
            &format!(
                "leptos-pkce: the ID token's {} had the wrong type and were left out",
                claims.dropped.join(", ")
            )
            .into(),
        );
    }
    Ok(claims)
}

thread_local! {
    /// The refresh tokens in memory mode, by storage prefix (each provider of the page
    /// its own): kept beside the session, read and written under the same lock as the
    /// IndexedDB one, so both modes follow one rule.
    static MEMORY_REFRESH_TOKENS: RefCell<Vec<(String, OwnedRefreshToken)>> = const { RefCell::new(Vec::new()) };
}

/// The refresh token to spend next, and its user: the one in memory, or in IndexedDB
/// with `indexed_db` (where another tab may have rotated it a moment ago, or signed
/// in another user). Read under the lock.
async fn load_refresh_token(config: &AuthConfig) -> Option<OwnedRefreshToken> {
    match config.refresh_token_storage {
        RefreshTokenStorage::IndexedDb => refresh_store::load(config).await,
        RefreshTokenStorage::Memory => MEMORY_REFRESH_TOKENS.with(|t| {
            t.borrow()
                .iter()
                .find(|(prefix, _)| *prefix == config.storage_prefix)
                .map(|(_, token)| token.clone())
        }),
    }
}

/// Keeps (or with `None` forgets) the refresh token to spend next; returns once an
/// IndexedDB write has committed. Call under the lock.
async fn store_refresh_token(config: &AuthConfig, token: Option<&OwnedRefreshToken>) {
    match config.refresh_token_storage {
        RefreshTokenStorage::IndexedDb => refresh_store::store(config, token).await,
        RefreshTokenStorage::Memory => {
            MEMORY_REFRESH_TOKENS.with(|t| {
                let mut tokens = t.borrow_mut();
                tokens.retain(|(prefix, _)| *prefix != config.storage_prefix);
                if let Some(token) = token {
                    tokens.push((config.storage_prefix.clone(), token.clone()));
                }
            });
        }
    }
}

/// Runs `work` holding the app's cross-tab refresh lock: refreshes, and the writes
/// and removals of the refresh token, happen one at a time across the app's tabs.
/// `work` gets its own copy of the configuration: the locked future outlives the
/// borrow.
async fn with_refresh_lock<T: 'static, F>(
    config: &AuthConfig,
    work: impl FnOnce(AuthConfig) -> F,
) -> T
where
    F: std::future::Future<Output = T> + 'static,
{
    let lock = StorageNames::new(&config.storage_prefix).refresh_lock();
    locks::with_lock(&lock, work(config.clone())).await
}

/// Spends the refresh token for new tokens, holding the app's cross-tab lock. The
/// token and the session being renewed (`current`, `None` when restoring after a
/// reload) are read inside the lock, so a renewal that waited for another one
/// spends the rotated token, never the spent one.
///
/// # Errors
/// The [`AuthError`] of the failed refresh; [`oidc_browser_core::session::schedule::after_renewal_failure`]
/// says what it means for the session.
pub async fn refresh(
    config: &AuthConfig,
    current: impl FnOnce() -> Option<Session> + 'static,
) -> Result<Session, AuthError> {
    // The refreshed ID token is verified under the lock: its code is loaded first, so
    // a stalled chunk never holds the lock that sign-out and every tab wait for (and
    // a chunk that cannot load spends no refresh token).
    crate::lazy::needed(preload_id_token_verification()).await?;
    with_refresh_lock(config, |config| async move {
        refresh_locked(&config, current()).await
    })
    .await
}

async fn refresh_locked(
    config: &AuthConfig,
    current: Option<Session>,
) -> Result<Session, AuthError> {
    // Another user's token (signed in in another tab) is neither spent nor forgotten.
    let sub = current.as_ref().map(|session| session.claims.sub.clone());
    let kept = spendable_refresh_token(load_refresh_token(config).await, sub.as_deref())?;
    let metadata = provider::metadata(config).await?;
    let jwks = {
        let uri = metadata.jwks_uri.clone();
        Task::spawn(async move { provider::jwks(&uri, false).await })
    };
    // Names the configured API, if any: a step-up login for another API may have
    // left the grant's own audience elsewhere (Auth0 Multi-Resource Refresh Tokens).
    let session_api = TokenKey {
        scope: String::new(),
        ..TokenKey::default_for(config)
    };
    let kept_sub = kept.sub.clone();
    let tokens = match spend_refresh_token(config, &metadata, kept, &session_api).await {
        Ok(tokens) => tokens,
        Err(error) => return Err(forget_if_refused(config, error).await),
    };
    let id_token = match &tokens.id_token {
        Some(raw) => {
            let check =
                refreshed_id_token_check(config, tokens.access_token.secret(), clock::now_secs());
            let claims = verify_lazily(&metadata.jwks_uri, jwks.join().await, raw, &check).await?;
            Some((raw.clone(), claims))
        }
        None => None,
    };
    Ok(accept_refresh(
        current,
        &kept_sub,
        tokens,
        id_token,
        clock::now_ms(),
    )?)
}

/// Spends `kept` (under the lock) at the token endpoint of `metadata` for a token for
/// `key`, and keeps the rotated refresh token, for the same user, before anything
/// else can fail: the old one is spent. A failure leaves the stored token as it is;
/// the caller says what the failure means ([`forget_if_refused`]).
async fn spend_refresh_token(
    config: &AuthConfig,
    metadata: &ProviderMetadata,
    kept: OwnedRefreshToken,
    key: &TokenKey,
) -> Result<TokenResponse, AuthError> {
    let answer = token_request(
        &StorageNames::new(&config.storage_prefix),
        &metadata.token_endpoint,
        refresh_body_for(config, &kept.token, key),
        uses_dpop(config, metadata),
        None,
    )
    .await?;
    let answer = read_refresh_answer(answer.status, &answer.body, kept.token)?;
    let rotated = OwnedRefreshToken {
        token: answer.keep,
        sub: kept.sub,
    };
    store_refresh_token(config, Some(&rotated)).await;
    Ok(answer.tokens)
}

/// Forgets the stored refresh token when `error` means the provider refused it (the
/// core's rule, [`AuthError::ends_session`]); gives the error back.
async fn forget_if_refused(config: &AuthConfig, error: AuthError) -> AuthError {
    if error.ends_session() {
        store_refresh_token(config, None).await;
    }
    error
}

/// A token for another API than the configured one (`key`), for `sub`'s session,
/// with its refresh token: a refresh grant that names the API (Auth0 Multi-Resource
/// Refresh Tokens, RFC 8707), under the same lock as every refresh, keeping the
/// rotated refresh token. The session is not touched: an ID token in the answer is
/// not used.
///
/// # Errors
/// [`ProtocolError::StepUpRequired`] for `mfa_required`; [`ProtocolError::SessionEnded`] for
/// a refused refresh token (then forgotten); [`ProtocolError::SubjectChanged`] when the
/// kept token is another user's (left as it is); any other failure of a refresh.
pub async fn token_for(
    config: &AuthConfig,
    key: &TokenKey,
    sub: &str,
) -> Result<TokenResponse, AuthError> {
    let (key, sub) = (key.clone(), sub.to_owned());
    with_refresh_lock(config, |config| async move {
        let kept = spendable_refresh_token(load_refresh_token(&config).await, Some(&sub))?;
        let metadata = provider::metadata(&config).await?;
        match spend_refresh_token(&config, &metadata, kept, &key).await {
            Ok(tokens) => Ok(tokens),
            Err(AuthError::Protocol(ProtocolError::Token(TokenError::Server(error))))
                if error.error == "mfa_required" =>
            {
                Err(AuthError::Protocol(ProtocolError::StepUpRequired(
                    StepUp::for_mfa_required(&config, &key),
                )))
            }
            Err(error) => Err(forget_if_refused(&config, error).await),
        }
    })
    .await
}

/// Keeps the refresh token a login of `sub` got, under the lock (a refresh in flight
/// in another tab finishes first), unless `still_current` says, inside the lock, that
/// the session was forgotten meanwhile (a sign-out bumps the tab's generation before
/// it asks for the lock, so its removal never runs before this write). A login that
/// got none keeps the same user's token and forgets another user's
/// ([`refresh_token_after_login`]).
pub async fn keep_refresh_token(
    config: &AuthConfig,
    sub: String,
    token: Option<RefreshToken>,
    still_current: impl FnOnce() -> bool + 'static,
) {
    with_refresh_lock(config, |config| async move {
        if !still_current() {
            return;
        }
        let kept = load_refresh_token(&config).await;
        let after = refresh_token_after_login(kept.as_ref().map(|k| k.sub.as_str()), &sub, token);
        match after {
            AfterLogin::Store(owned) => store_refresh_token(&config, Some(&owned)).await,
            AfterLogin::KeepKept => return,
            AfterLogin::Forget => store_refresh_token(&config, None).await,
        }
        // Another user's token, displaced: revoked, so it does not stay valid at the
        // provider with nobody to spend or end it. (The same user's older token is
        // not: some providers reuse the grant for the new login, and revoking the old
        // token would end it.)
        if let Some(displaced) = kept.filter(|k| k.sub != sub) {
            revoke_refresh_token(&config, &displaced.token).await;
        }
    })
    .await;
}

/// Sign-out's part: under the lock (so any refresh in flight, in any tab, has
/// finished and written what it got), forgets the newest refresh token, checks it is
/// gone, then revokes it at the provider (RFC 7009). Nothing written after this can
/// be a token of this session: renewals of this tab are dropped by their generation,
/// other tabs follow the sign-out broadcast.
///
/// `sub`: the user whose session ends (a renewal refused, another user seen, a
/// sign-out heard from another tab): a token kept for another user since (signed in
/// in another tab) is not theirs, and stays. `None`: the user signs out of the app in
/// this browser, whoever's token is kept.
///
/// # Errors
/// [`BrowserError::StorageWrite`] when the stored token could not be removed.
pub async fn end_refresh_token(config: &AuthConfig, sub: Option<String>) -> Result<(), AuthError> {
    end_refresh_token_if(config, sub, || true).await
}

/// [`end_refresh_token`], when `still_wanted` says so inside the lock: a sign-out a
/// last page load left unfinished is finished only if no login kept its own token
/// since (a login clears the mark under the same lock).
///
/// # Errors
/// As [`end_refresh_token`].
pub async fn end_refresh_token_if(
    config: &AuthConfig,
    sub: Option<String>,
    still_wanted: impl FnOnce() -> bool + 'static,
) -> Result<(), AuthError> {
    with_refresh_lock(config, |config| async move {
        let config = &config;
        if !still_wanted() {
            return Ok(());
        }
        let token = load_refresh_token(config).await;
        let kept_sub = token.as_ref().map(|t| t.sub.as_str());
        if !may_forget_kept(kept_sub, sub.as_deref()) {
            return Ok(());
        }
        // The DPoP key goes with its user's session only: a session ending here with no
        // token of its own kept leaves the key another account's tokens may be bound to.
        let key_is_ours = sub.is_none() || kept_sub.is_some();
        store_refresh_token(config, None).await;
        if load_refresh_token(config).await.is_some() {
            store_refresh_token(config, None).await;
            if load_refresh_token(config).await.is_some() {
                return Err(BrowserError::StorageWrite.into());
            }
        }
        if let Some(kept) = token {
            revoke_refresh_token(config, &kept.token).await;
        }
        // The DPoP key goes with the session (after the revocation, which needs none).
        // Only with DPoP on: removing it opens its database, which would leave an
        // empty one behind in every other app.
        if key_is_ours && config.dpop {
            dpop::forget(&StorageNames::new(&config.storage_prefix)).await;
        }
        Ok(())
    })
    .await
}

/// Revokes `token` at the provider's `revocation_endpoint`. Best effort: the token
/// is already forgotten here, and a provider without the endpoint, or a failed
/// request, leaves only its own expiry.
async fn revoke_refresh_token(config: &AuthConfig, token: &RefreshToken) {
    let Some(endpoint) = provider::metadata(config)
        .await
        .ok()
        .and_then(|m| m.revocation_endpoint)
    else {
        return;
    };
    let _ = http::post_form(&endpoint, revocation_body(&config.client_id, token), None).await;
}

/// Where signing out sends the browser, for `id_token`'s user (the core decides).
///
/// # Errors
/// [`ProtocolError::Metadata`] when the provider's metadata is unavailable.
pub async fn logout_destination(
    config: &AuthConfig,
    id_token: Option<&IdToken>,
    options: LogoutOptions,
) -> Result<LogoutTarget, AuthError> {
    if options.local_only {
        return Ok(LogoutTarget::LocalOnly);
    }
    let metadata = provider::metadata(config).await?;
    Ok(logout_target(config, &metadata, id_token, options))
}
