//! The pages' messages, and the worker's answers: only from the worker's own clients,
//! read strictly (`mediation::protocol`), never with a token in an answer.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use oidc_browser_core::authorization::authorize::{
    begin_login, begin_silent_login, AnsweredIn, SilentVia,
};
use oidc_browser_core::authorization::return_to::ReturnTo;
use oidc_browser_core::authorization::transaction::KEY_SET_WAIT_MS;
use oidc_browser_core::config::path_of;
use oidc_browser_core::mediation::navigation::LOGOUT_PATH;
use oidc_browser_core::mediation::protocol::{
    config_digest, from_own_client, ToPage, ToWorker, PROTOCOL,
};
use oidc_browser_core::mediation::start_login::login_options;
use oidc_browser_core::session::logout::{logout_target, LogoutOptions, LogoutTarget};
use wasm_bindgen::JsValue;
use web_sys::Client;

use super::{pages, renew, revocation, served, transactions};
use crate::browser::{clock, par, provider, random};
use crate::error::AuthError;
use oidc_browser_core::ProtocolError;

use super::error::StartError;

/// Handles a message `data` from `source`: answers it there, and tells every page
/// what changed for all of them.
pub async fn on_message(source: Client, data: JsValue) {
    if !from_own_client(&source.url(), &served::own_origin()) {
        return;
    }
    let Some(text) = data.as_string() else {
        return;
    };
    let message = match ToWorker::from_json(&text) {
        Ok(message) => message,
        Err(error) => {
            return pages::post(&source, &failed(None, error.to_string(), None));
        }
    };
    if let Err(error) = served::ready().await {
        let provider = match &message {
            ToWorker::Hello { provider, .. } => (Some(provider.clone()), None),
            ToWorker::StartLogin {
                provider, request, ..
            }
            | ToWorker::Renew { provider, request }
            | ToWorker::SignOut {
                provider, request, ..
            } => (Some(provider.clone()), Some(*request)),
            ToWorker::FinishLogin { .. } | ToWorker::KeepAlive => (None, None),
        };
        let (provider, request) = provider;
        return pages::post(&source, &failed(provider, error.to_string(), request));
    }
    match message {
        ToWorker::Hello {
            protocol,
            provider,
            config,
        } => hello(&source, protocol, provider, &config),
        ToWorker::StartLogin {
            provider,
            return_to,
            options,
            request,
        } => {
            let answer = match start_login(&provider, &return_to, &options).await {
                Ok(url) => ToPage::GoTo {
                    provider,
                    url,
                    request,
                },
                Err(error) => failed(Some(provider), error.to_string(), Some(request)),
            };
            pages::post(&source, &answer);
        }
        ToWorker::SignOut {
            provider,
            request,
            federated,
            return_to,
        } => {
            let options = LogoutOptions {
                local_only: false,
                federated,
                return_to: return_to
                    .as_deref()
                    .and_then(|path| ReturnTo::parse(path).ok()),
            };
            sign_out(&source, provider, request, options).await
        }
        ToWorker::Renew { provider, request } => {
            if !renew::renewable(&provider) {
                let answer = failed(Some(provider), CANNOT_RENEW.to_owned(), Some(request));
                pages::post(&source, &answer);
            } else if let Err(error) = renew::renew(&provider).await {
                // A failure that ends the session, every page heard already.
                if !error.ends_session() {
                    let answer = failed(Some(provider), error.to_string(), Some(request));
                    pages::post(&source, &answer);
                }
            }
        }
        // The callback's answer never comes by message: the worker takes the
        // navigation itself.
        ToWorker::FinishLogin { .. } => pages::post(
            &source,
            &failed(
                None,
                "the token worker does not take this request".into(),
                None,
            ),
        ),
        // The event itself keeps the worker alive.
        ToWorker::KeepAlive => {}
    }
}

/// The answer to a `renew` with no session or one without a refresh token: it goes
/// on until its access token expires; a new sign-in renews it.
const CANNOT_RENEW: &str =
    "this session cannot be renewed in the background; sign in again to renew it";

fn failed(provider: Option<String>, message: String, request: Option<u32>) -> ToPage {
    ToPage::Failed {
        provider,
        message,
        ends_session: false,
        request,
    }
}

fn hello(source: &Client, protocol: u32, provider: String, config: &str) {
    let current = protocol == PROTOCOL
        && served::with_provider(&provider, |served| config_digest(&served.config) == config)
            == Some(true);
    if !current {
        return pages::post(source, &ToPage::Stale { provider });
    }
    // Only a page of this deploy's configuration, at the callback path where the
    // worker sent the failed login, is told why it failed (another tab's hello, at
    // another path, must not take the reason away from it).
    let page_path = path_of(&source.url()).to_owned();
    let (session, failure, at_callback) = served::with_provider(&provider, |served| {
        let at_callback = served.config.callback_path() == page_path;
        (
            served.view(),
            served.unread_failure.take_if(|_| at_callback),
            at_callback,
        )
    })
    .unwrap_or_default();
    pages::post(
        source,
        &ToPage::Welcome {
            protocol: PROTOCOL,
            provider: provider.clone(),
            session,
        },
    );
    if let Some(message) = failure {
        pages::post(source, &failed(Some(provider), message, None));
    } else if let Some(message) =
        served::with(|worker| worker.orphan_failure.take_if(|_| at_callback)).flatten()
    {
        pages::post(source, &failed(None, message, None));
    }
}

/// Makes and keeps a login's transaction; gives the authorization URL.
async fn start_login(
    prefix: &str,
    return_to: &str,
    options: &serde_json::Map<String, serde_json::Value>,
) -> Result<String, StartError> {
    let options = login_options(return_to, options)?;
    let Some((config, generation)) =
        served::with_provider(prefix, |served| (served.config.clone(), served.generation))
    else {
        return Err(AuthError::from(ProtocolError::SignedOutElsewhere).into());
    };
    let metadata = provider::metadata_for_login(&config, KEY_SET_WAIT_MS)
        .await
        .map_err(AuthError::from)?;
    let randomness = random::login_randomness().map_err(AuthError::from)?;
    // `prompt=none` is a silent sign-in (the page restoring a session the worker lost):
    // answered in the page's hidden frame at `silent_redirect_uri`, where the worker
    // takes it and no page loads.
    let mut request = if options.prompt.as_deref() == Some("none") {
        begin_silent_login(
            &config,
            &metadata,
            SilentVia::Iframe,
            options.return_to.unwrap_or_else(ReturnTo::home),
            None,
            &randomness,
            clock::now_ms(),
        )
    } else {
        begin_login(
            &config,
            &metadata,
            options,
            AnsweredIn::Page,
            &randomness,
            clock::now_ms(),
        )
        .map_err(AuthError::from)?
    };
    let endpoints = &mut request.transaction.provider;
    let keys = provider::key_set_text(&endpoints.jwks_uri, KEY_SET_WAIT_MS).await;
    endpoints.carry_keys(keys);
    par::push_if_needed(&config, &metadata, &mut request).await?;
    transactions::save(prefix, &request.transaction)
        .await
        .map_err(AuthError::from)?;
    // A sign-out while the login was prepared: it does not leave.
    if served::with_provider(prefix, |served| served.generation) != Some(generation) {
        let _ = transactions::take(prefix, &request.transaction.state).await;
        return Err(AuthError::from(ProtocolError::SignedOutElsewhere).into());
    }
    Ok(request.url)
}

/// Forgets the provider's session (every page hears it at once), forgets its logins
/// in progress, revokes the refresh token, and sends the page to the provider's
/// logout page. The worker navigates the page itself: that address carries the ID
/// token (`id_token_hint`), which no page may read.
async fn sign_out(source: &Client, prefix: String, request: u32, options: LogoutOptions) {
    let Some((session, config, metadata)) = served::with_provider(&prefix, |served| {
        served.generation += 1;
        served.signed_out_at_ms = clock::now_ms();
        let session = served.session.clone();
        served.replace_session(None, None);
        (session, served.config.clone(), served.metadata.clone())
    }) else {
        return pages::post(source, &ToPage::Stale { provider: prefix });
    };
    pages::broadcast(&ToPage::SignedOut {
        provider: prefix.clone(),
    });
    transactions::clear(&prefix).await;
    let id_token = session.as_ref().map(|session| session.id_token.clone());
    if let Some(token) = session.and_then(|session| session.refresh_token) {
        revocation::revoke(&config, &metadata, &token).await;
    }
    let target = logout_target(&config, &metadata, id_token.as_ref(), options);
    let LogoutTarget::Provider(url) = target else {
        return pages::post(source, &ToPage::SignedOutLocally { provider: prefix });
    };
    // The page leaves through a one-time address of the worker's, which it answers
    // with the logout page: that address holds the ID token, and no page reads it.
    let Ok(randomness) = random::login_randomness() else {
        let message = "signed out here, but the provider's logout page could not be reached";
        return pages::post(source, &failed(Some(prefix), message.into(), Some(request)));
    };
    let ticket = URL_SAFE_NO_PAD.encode(randomness.state);
    let origin = served::with(|worker| {
        worker.logouts.retain(|(_, kept)| kept != &url);
        worker.logouts.truncate(7);
        worker.logouts.push((ticket.clone(), url));
        worker.origin.clone()
    })
    .unwrap_or_default();
    pages::post(
        source,
        &ToPage::GoTo {
            provider: prefix,
            url: format!("{origin}{LOGOUT_PATH}?n={ticket}"),
            request,
        },
    );
}

/// The logout page a navigation with `ticket` goes on to, once.
pub(super) fn logout_page(ticket: &str) -> Option<String> {
    served::with(|worker| {
        let at = worker.logouts.iter().position(|(kept, _)| kept == ticket)?;
        Some(worker.logouts.remove(at).1)
    })
    .flatten()
}
