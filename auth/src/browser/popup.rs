//! Signing in in a popup window: the page that opened it keeps its state (a half-filled
//! form). The popup is opened at once, inside the user's click (browsers block popups
//! opened later), then sent to the provider; the provider's answer lands on the static
//! silent-callback page, which hands it to this window. The answer is accepted only from
//! this origin and from that very popup, then checked like any login
//! (`flow::complete_login`). A closed popup and a timeout end the wait with their own
//! errors; the transaction is removed then.

use web_sys::Window;

use super::answer::{self, Outcome};
use super::{clock, flow, storage};
use crate::error::AuthError;
use oidc_browser_core::authorization::authorize::AnsweredIn;
use oidc_browser_core::authorization::login_options::LoginOptions;
use oidc_browser_core::callback::login::Finished;
use oidc_browser_core::callback::CallbackResponse;
use oidc_browser_core::config::AuthConfig;
use oidc_browser_core::session::silent::popup_closed;

/// Opens an empty popup window now.
///
/// # Errors
/// [`AuthError::PopupBlocked`] when the browser refuses.
pub fn open() -> Result<Window, AuthError> {
    let window = web_sys::window().ok_or(AuthError::PopupBlocked)?;
    let features = "popup,width=500,height=680";
    match window.open_with_url_and_target_and_features("", "leptos-pkce-sign-in", features) {
        Ok(Some(popup)) => Ok(popup),
        _ => Err(AuthError::PopupBlocked),
    }
}

/// Runs a login in `popup` (opened by [`open`]).
///
/// # Errors
/// [`AuthError::PopupClosed`], [`AuthError::PopupTimeout`], or any error of a login.
pub async fn login(
    config: &AuthConfig,
    options: LoginOptions,
    popup: Window,
) -> Result<Finished, AuthError> {
    let (names, request) = match flow::store_login(config, options, AnsweredIn::Popup).await {
        Ok(started) => started,
        Err(error) => {
            let _ = popup.close();
            return Err(error);
        }
    };
    let sent_at = clock::now_ms();
    if popup.location().set_href(&request.url).is_err() {
        let _ = popup.close();
        storage::clear_transactions(&names);
        return Err(AuthError::PopupClosed);
    }
    let outcome = {
        let (source, watched) = (popup.clone(), popup.clone());
        answer::wait(
            request.transaction.state.secret().to_owned(),
            move || Some(source.clone()),
            move || watched.closed().unwrap_or(true),
            config.popup_timeout_secs.saturating_mul(1000),
        )
        .await
    };
    let _ = popup.close();
    let error = match outcome {
        Outcome::Answer(query) => {
            return flow::complete_login(&names, CallbackResponse::parse(&query), false).await
        }
        Outcome::Closed => popup_closed(clock::now_ms().saturating_sub(sent_at)).into(),
        Outcome::TimedOut => AuthError::PopupTimeout,
    };
    let _ = storage::take_transaction(&names, &request.transaction.state, clock::now_ms());
    Err(error)
}
