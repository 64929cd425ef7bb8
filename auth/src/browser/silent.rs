//! Silent sign-in in the browser: a hidden iframe that lands on the static
//! silent-callback page (which posts the provider's answer to this window), or a
//! top-level redirect. The answer goes through the same checks as any login
//! (`flow::complete_login`); the rules of when and how are in `oidc_browser_core::session::silent`.

use wasm_bindgen::JsCast;
use web_sys::HtmlIFrameElement;

use super::answer::{self, Outcome};
use super::{clock, flow, navigation, provider, random, storage};
use crate::error::AuthError;
use oidc_browser_core::authorization::authorize::{
    begin_silent_login, AuthorizeRequest, SilentVia,
};
use oidc_browser_core::authorization::return_to::ReturnTo;
use oidc_browser_core::callback::login::Finished;
use oidc_browser_core::callback::CallbackResponse;
use oidc_browser_core::config::names::StorageNames;
use oidc_browser_core::config::AuthConfig;
use oidc_browser_core::session::silent::IFRAME_TIMEOUT_MS;
use oidc_browser_core::token::token_request::TokenKey;
use oidc_browser_core::ProtocolError;

/// Signs in with `prompt=none` in a hidden iframe, coming back to `return_to`.
///
/// # Errors
/// [`AuthError::SilentTimeout`] when no answer came in time (the provider's cookies
/// may be blocked in frames); any error of a login.
pub async fn in_iframe(config: &AuthConfig, return_to: ReturnTo) -> Result<Finished, AuthError> {
    in_iframe_for(config, return_to, None).await
}

/// A silent sign-in in the iframe for `api` (another API than the configured one)
/// when given: its answer carries that API's access token.
///
/// # Errors
/// As [`in_iframe`].
pub fn in_iframe_for(
    config: &AuthConfig,
    return_to: ReturnTo,
    api: Option<&TokenKey>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Finished, AuthError>>>> {
    // Boxed: awaited by the sign-in at start, renewals and other APIs' tokens; one
    // compiled state machine serves them all.
    let (config, api) = (config.clone(), api.cloned());
    Box::pin(async move { silent_sign_in(&config, return_to, api.as_ref()).await })
}

async fn silent_sign_in(
    config: &AuthConfig,
    return_to: ReturnTo,
    api: Option<&TokenKey>,
) -> Result<Finished, AuthError> {
    let (names, request) = store_silent_login(config, SilentVia::Iframe, return_to, api).await?;
    match frame_answer(&request.url, request.transaction.state.secret()).await {
        Some(query) => flow::complete_login(&names, CallbackResponse::parse(&query), false).await,
        None => {
            let _ = storage::take_transaction(&names, &request.transaction.state, clock::now_ms());
            web_sys::console::warn_1(
                &format!(
                    "leptos-pkce: the silent sign-in's frame gave no answer in {} s. Check that \
                     silent_redirect_uri ({}) answers (silent-callback.html, or the app through \
                     a single-page fallback; not a 404), that the server lets this origin frame \
                     it there (frame-ancestors 'self', X-Frame-Options SAMEORIGIN), and that \
                     the provider lets itself be framed with prompt=none (its cookies may be \
                     blocked in frames across sites).",
                    IFRAME_TIMEOUT_MS / 1000,
                    config.silent_redirect_uri
                )
                .into(),
            );
            Err(AuthError::SilentTimeout)
        }
    }
}

/// Leaves for the provider with `prompt=none`, coming back to `return_to` through
/// the callback; marks the tab so it is tried once only.
///
/// # Errors
/// An [`AuthError`] when the provider is unknown or the browser fails; nothing is
/// left stored then.
/// `still_current` is asked before the browser leaves: a sign-out while the login was
/// prepared keeps it here, and its transaction goes.
pub async fn by_redirect(
    config: &AuthConfig,
    return_to: ReturnTo,
    still_current: impl Fn() -> bool,
) -> Result<(), AuthError> {
    let (names, request) = store_silent_login(config, SilentVia::Redirect, return_to, None).await?;
    if !still_current() {
        let _ = storage::take_transaction(&names, &request.transaction.state, clock::now_ms());
        return Err(ProtocolError::SessionEnded.into());
    }
    super::hint::set_redirect_tried(&names, true);
    navigation::assign(&request.url).map_err(|e| {
        storage::clear_transactions(&names);
        e.into()
    })
}

/// Builds a silent sign-in answered `via` the iframe or the page, and stores its
/// transaction.
async fn store_silent_login(
    config: &AuthConfig,
    via: SilentVia,
    return_to: ReturnTo,
    api: Option<&TokenKey>,
) -> Result<(StorageNames, AuthorizeRequest), AuthError> {
    let metadata = provider::metadata(config).await?;
    let mut request = begin_silent_login(
        config,
        &metadata,
        via,
        return_to,
        api,
        &random::login_randomness()?,
        clock::now_ms(),
    );
    let names = StorageNames::new(&config.storage_prefix);
    flow::bind_push_and_save(config, &metadata, &names, &mut request).await?;
    Ok((names, request))
}

/// Loads `url` in a hidden iframe and waits for the silent-callback page's message
/// from that very frame (`answer::wait`). `None` after [`IFRAME_TIMEOUT_MS`]. The frame
/// is removed either way.
async fn frame_answer(url: &str, state: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let frame: HtmlIFrameElement = document.create_element("iframe").ok()?.dyn_into().ok()?;
    let _ = frame.set_attribute("hidden", "");
    let _ = frame.set_attribute("aria-hidden", "true");
    let _ = frame.set_attribute("tabindex", "-1");
    frame.set_src(url);
    document.body()?.append_child(&frame).ok()?;
    let listening = frame.clone();
    let outcome = answer::wait(
        state.to_owned(),
        move || listening.content_window(),
        || false,
        IFRAME_TIMEOUT_MS,
    )
    .await;
    frame.remove();
    match outcome {
        Outcome::Answer(query) => Some(query),
        Outcome::Closed | Outcome::TimedOut => None,
    }
}
