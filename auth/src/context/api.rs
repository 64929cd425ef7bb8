//! Calling APIs: access tokens per API (audience and scope), cached and renewed per
//! API, and calls with any method and body that renew once on 401 and turn a step-up
//! challenge into [`ProtocolError::StepUpRequired`].
//!
//! Races: callers asking for the same API's token at once share one request (one
//! in-flight task per key); a sign-out bumps the generation, so a token that arrives
//! afterwards is dropped, and empties the cache.

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::api_answer::read_api_answer;
use super::mediated::WorkerAction;
use super::Auth;
use crate::browser::http::{self, HttpResponse};
use crate::browser::task::SharedTask;
use crate::browser::{clock, dpop, flow, navigation, silent};
use crate::error::AuthError;
use oidc_browser_core::authorization::return_to::ReturnTo;
use oidc_browser_core::callback::login::Finished;
use oidc_browser_core::dpop::resource_wants_nonce;
use oidc_browser_core::mediation::page::MediationError;
use oidc_browser_core::secret::AccessToken;
use oidc_browser_core::token::token_request::{
    worth_renewing_after_refusal, CachedToken, TokenKey, TokenRequest,
};
use oidc_browser_core::ProtocolError;

/// An HTTP method an API call may use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HttpMethod {
    /// `GET`.
    #[default]
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
}

impl HttpMethod {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

/// One call to an API with an access token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiRequest {
    /// The method.
    pub method: HttpMethod,
    /// The URL.
    pub url: String,
    /// The body and its content type, if any.
    pub body: Option<(String, String)>,
    /// Which access token: the configured API's by default.
    pub token: TokenRequest,
}

impl ApiRequest {
    /// A `GET` of `url`.
    pub fn get(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            ..Self::default()
        }
    }

    /// `method` on `url` with `value` as a JSON body.
    ///
    /// # Errors
    /// [`AuthError::ApiBody`] when `value` does not serialize.
    pub fn json<T: Serialize>(
        method: HttpMethod,
        url: impl Into<String>,
        value: &T,
    ) -> Result<Self, AuthError> {
        let body = serde_json::to_string(value).map_err(|_| AuthError::ApiBody)?;
        Ok(Self {
            method,
            url: url.into(),
            body: Some(("application/json".into(), body)),
            token: TokenRequest::default(),
        })
    }

    /// The same call with a token for another API (or scope).
    #[must_use]
    pub fn with_token(mut self, token: TokenRequest) -> Self {
        self.token = token;
        self
    }
}

impl Auth {
    /// An access token for `request`'s API and scope. For the configured ones, the
    /// session's token ([`Auth::access_token`]); for any other, a token cached per API
    /// and scope, renewed when stale with the refresh token (naming the API: Auth0
    /// Multi-Resource Refresh Tokens, RFC 8707 `resource`), else by a silent sign-in.
    ///
    /// # Errors
    /// [`ProtocolError::SessionEnded`] when nobody is signed in;
    /// [`ProtocolError::StepUpRequired`] when the provider wants a stronger sign-in for
    /// that API (`mfa_required`); any failure of the request.
    pub async fn access_token_for(&self, request: &TokenRequest) -> Result<AccessToken, AuthError> {
        let config = self.config.get_value();
        let key = TokenKey::of(&config, request);
        if self.mediates() {
            // The token worker keeps every token: the page holds none.
            return Err(MediationError::NotWithWorker("reading an access token").into());
        }
        if key == TokenKey::default_for(&config) {
            return self
                .access_token()
                .await
                .ok_or(AuthError::Protocol(ProtocolError::SessionEnded));
        }
        if self.session().is_none() {
            return Err(AuthError::Protocol(ProtocolError::SessionEnded));
        }
        let cached = self
            .tokens
            .with_value(|cache| cache.fresh(&key, clock::now_ms()).cloned());
        match cached {
            Some(token) => Ok(token),
            None => self.token_flight(key).join().await,
        }
    }

    /// The request in flight for `key`, or a new one.
    fn token_flight(&self, key: TokenKey) -> super::TokenFlight {
        let running = self.token_flights.with_value(|flights| {
            flights
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, task)| task.clone())
        });
        if let Some(task) = running {
            return task;
        }
        let auth = *self;
        let task = SharedTask::spawn({
            let key = key.clone();
            async move { auth.fetch_token_for(key).await }
        });
        self.token_flights
            .update_value(|flights| flights.push((key, task.clone())));
        task
    }

    async fn fetch_token_for(self, key: TokenKey) -> Result<AccessToken, AuthError> {
        let generation = self.generation.get_value();
        let config = self.config.get_value();
        let session = self.session();
        let with_refresh_token = session.as_ref().is_some_and(|s| s.refresh_token.is_some());
        let result = if let (true, Some(session)) = (with_refresh_token, &session) {
            flow::token_for(&config, &key, &session.claims.sub)
                .await
                .map(|tokens| CachedToken::from_answer(&tokens, clock::now_ms()))
        } else {
            self.silent_token_for(&key).await
        };
        if self.generation.try_get_value() != Some(generation) {
            // Signed out while the request was on its way: nothing of it is kept.
            return Err(AuthError::Protocol(ProtocolError::SessionEnded));
        }
        self.token_flights
            .update_value(|flights| flights.retain(|(k, _)| *k != key));
        match result {
            Ok(token) => {
                let access_token = token.access_token.clone();
                self.tokens.update_value(|cache| cache.insert(key, token));
                Ok(access_token)
            }
            Err(error) => {
                if error.ends_session() {
                    self.sign_out_locally(Some(error.clone()));
                }
                Err(error)
            }
        }
    }

    /// A token for `key` by a silent sign-in in the iframe: the same user must come
    /// back.
    async fn silent_token_for(&self, key: &TokenKey) -> Result<CachedToken, AuthError> {
        let config = self.config.get_value();
        let here =
            ReturnTo::parse(&navigation::current_path()).unwrap_or_else(|_| ReturnTo::home());
        match silent::in_iframe_for(&config, here, Some(key)).await? {
            Finished::SignedIn(session, ..) => match self.session() {
                Some(current) if current.claims.sub != session.claims.sub => {
                    Err(AuthError::Protocol(ProtocolError::SubjectChanged))
                }
                _ => Ok(CachedToken::from_session(&session)),
            },
            Finished::SignedOutQuietly(_) | Finished::Replayed(_) => {
                Err(AuthError::Protocol(ProtocolError::SessionEnded))
            }
        }
    }

    /// Forgets the token for `key` and gets a new one: an API refused it.
    async fn renewed_token_for(
        &self,
        request: &TokenRequest,
        key: &TokenKey,
    ) -> Result<AccessToken, AuthError> {
        let config = self.config.get_value();
        if *key == TokenKey::default_for(&config) {
            let can_renew = self
                .session()
                .is_some_and(|session| self.can_renew_session(&session));
            if !can_renew {
                return Err(AuthError::Protocol(ProtocolError::Unauthorized));
            }
            self.renew().await?;
            return self
                .session()
                .map(|s| s.access_token)
                .ok_or(AuthError::Protocol(ProtocolError::SessionEnded));
        }
        self.tokens.update_value(|cache| cache.remove(key));
        self.access_token_for(request).await
    }

    /// Calls an API with the access token for its audience (with the token worker,
    /// `token_mediation`, the page sends none and the worker attaches it at the origins
    /// of `api_origins`). On 401 the token is
    /// renewed once (with the refresh token, or by a silent sign-in) and the call
    /// repeated; a second 401 is that call's [`ProtocolError::Unauthorized`]: one API
    /// refusing fresh tokens (its own misconfiguration, a revoked grant for it) does
    /// not sign the user out of the app and its other APIs. A renewal that fails for
    /// good ends the session by the renewal's own rule. An RFC 9470 challenge
    /// (`insufficient_user_authentication`) gives [`ProtocolError::StepUpRequired`] at
    /// once: no renewal can satisfy it.
    ///
    /// # Errors
    /// [`ProtocolError::Unauthorized`] after a second 401; [`ProtocolError::StepUpRequired`];
    /// the request's own failure.
    pub async fn call_api(&self, request: ApiRequest) -> Result<HttpResponse, AuthError> {
        if self.mediates() {
            let answer = super::chunks::through_worker(*self, WorkerAction::CallApi(request));
            return answer
                .await?
                .ok_or(AuthError::Protocol(ProtocolError::SessionEnded));
        }
        let key = TokenKey::of(&self.config.get_value(), &request.token);
        let token = self.access_token_for(&request.token).await?;
        let response = self.send(&request, &key, &token).await?;
        if let Some(done) = read_api_answer(response, &key, false)? {
            return Ok(done);
        }
        let received_at_ms = if key == TokenKey::default_for(&self.config.get_value()) {
            self.session().map(|s| s.received_at_ms)
        } else {
            self.tokens
                .with_value(|cache| cache.entry(&key).map(|t| t.received_at_ms))
        };
        if received_at_ms.is_some_and(|at| !worth_renewing_after_refusal(at, clock::now_ms())) {
            // Refused moments after it came: a renewal would fare no better.
            return Err(AuthError::Protocol(ProtocolError::Unauthorized));
        }
        let token = self.renewed_token_for(&request.token, &key).await?;
        let retried = self.send(&request, &key, &token).await?;
        read_api_answer(retried, &key, true)?
            .ok_or(AuthError::Protocol(ProtocolError::Unauthorized))
    }

    /// Sends `request` with `token`: as a bearer token, or, for a DPoP-bound token,
    /// with a proof (`ath`, the API's nonce), sent once more with the API's new nonce
    /// when it asks for one (RFC 9449 section 9).
    async fn send(
        &self,
        request: &ApiRequest,
        key: &TokenKey,
        token: &AccessToken,
    ) -> Result<HttpResponse, AuthError> {
        let body = request
            .body
            .as_ref()
            .map(|(content_type, text)| (content_type.as_str(), text.clone()));
        let method = request.method.as_str();
        if !self.dpop_bound(key) {
            return Ok(http::call(method, &request.url, Some(token), None, body).await?);
        }
        let dpop_key = dpop::key(&self.names()).await?;
        dpop::send_with_proof(
            &dpop_key,
            method,
            &request.url,
            Some(token.secret()),
            |answer| resource_wants_nonce(answer.status, answer.www_authenticate.as_deref()),
            |proof| {
                let body = body.clone();
                async move { http::call(method, &request.url, Some(token), Some(&proof), body).await }
            },
        )
        .await
    }

    /// The RFC 7638 thumbprint of the key this browser's tokens are bound to (DPoP,
    /// RFC 9449), while the session's token is bound to one: the `jkt` the provider
    /// and the APIs check. With the token worker, the thumbprint of the worker's key,
    /// as the worker tells it (the key itself never leaves the worker).
    pub async fn dpop_thumbprint(&self) -> Option<String> {
        let session = self.session()?;
        if self.mediates() {
            // The token worker's key: only its public name reaches the page.
            return self.worker.with_value(|page| {
                page.as_ref()
                    .and_then(super::mediated::WorkerPage::bound_to)
            });
        }
        if !session.dpop_bound {
            return None;
        }
        super::chunks::dpop_thumbprint(self.names()).await
    }

    /// True when the token for `key` is bound to this browser's DPoP key.
    fn dpop_bound(&self, key: &TokenKey) -> bool {
        if *key == TokenKey::default_for(&self.config.get_value()) {
            self.session().is_some_and(|s| s.dpop_bound)
        } else {
            self.tokens
                .with_value(|cache| cache.entry(key).is_some_and(|t| t.dpop_bound))
        }
    }

    /// GETs `url` with the configured API's access token (see [`Auth::call_api`]).
    ///
    /// # Errors
    /// As [`Auth::call_api`].
    pub async fn get_with_token(&self, url: &str) -> Result<HttpResponse, AuthError> {
        self.call_api(ApiRequest::get(url)).await
    }

    /// Calls an API and reads its JSON answer as `T`.
    ///
    /// # Errors
    /// As [`Auth::call_api`]; [`AuthError::ApiStatus`] for a status outside 2xx;
    /// [`AuthError::ApiBody`] for an answer that is not a `T`.
    pub async fn call_json<T: DeserializeOwned>(
        &self,
        request: ApiRequest,
    ) -> Result<T, AuthError> {
        let response = self.call_api(request).await?;
        if !(200..300).contains(&response.status) {
            return Err(AuthError::ApiStatus(response.status));
        }
        serde_json::from_str(&response.body).map_err(|_| AuthError::ApiBody)
    }

    /// GETs `url` and reads its JSON answer as `T` (see [`Auth::call_json`]).
    ///
    /// # Errors
    /// As [`Auth::call_json`].
    pub async fn get_json<T: DeserializeOwned>(&self, url: &str) -> Result<T, AuthError> {
        self.call_json(ApiRequest::get(url)).await
    }
}
