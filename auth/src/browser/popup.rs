//! Signing in in a popup window: the page that opened it keeps its state (a half-filled
//! form). The popup is opened at once, inside the user's click (browsers block popups
//! opened later), then sent to the provider; the provider's answer lands on the static
//! silent-callback page, which hands it to this window. The answer is accepted only from
//! this origin and from that very popup, then checked like any login
//! (`flow::complete_login`). A closed popup and a timeout end the wait with their own
//! errors; the transaction is removed then.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Window};

use super::pending_login::Finished;
use super::{clock, flow, storage};
use crate::authorize::AnsweredIn;
use crate::callback::CallbackResponse;
use crate::config::AuthConfig;
use crate::error::AuthError;
use crate::login_options::LoginOptions;
use crate::silent::MESSAGE_TYPE;

/// How often the wait checks whether the user closed the popup.
const CLOSED_POLL_MS: i32 = 400;

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

/// How the wait for the popup ended.
enum Outcome {
    Answer(String),
    Closed,
    TimedOut,
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
    if popup.location().set_href(&request.url).is_err() {
        let _ = popup.close();
        storage::clear_transactions(&names);
        return Err(AuthError::PopupClosed);
    }
    let outcome = wait_for_answer(&popup, config.popup_timeout_secs.saturating_mul(1000)).await;
    let _ = popup.close();
    let error = match outcome {
        Outcome::Answer(query) => {
            return flow::complete_login(&names, CallbackResponse::parse(&query)).await
        }
        Outcome::Closed => AuthError::PopupClosed,
        Outcome::TimedOut => AuthError::PopupTimeout,
    };
    let _ = storage::take_transaction(&names, &request.transaction.state, clock::now_ms());
    Err(error)
}

/// Waits for the silent-callback page's message from `popup` (this origin, that very
/// window, the expected shape), for the popup to be closed, or for `timeout_ms`.
async fn wait_for_answer(popup: &Window, timeout_ms: u32) -> Outcome {
    let Some(window) = web_sys::window() else {
        return Outcome::Closed;
    };
    let origin = window.location().origin().unwrap_or_default();
    let outcome: Rc<RefCell<Option<Outcome>>> = Rc::default();
    let settle: Rc<RefCell<Option<Function>>> = Rc::default();
    let finish = {
        let (outcome, settle) = (outcome.clone(), settle.clone());
        move |value: Outcome| {
            if let Some(resolve) = settle.borrow_mut().take() {
                *outcome.borrow_mut() = Some(value);
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        }
    };
    let on_message = {
        let (popup, finish) = (popup.clone(), finish.clone());
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let from_popup = event
                .source()
                .is_some_and(|source| Object::is(&source, &popup));
            if event.origin() != origin || !from_popup {
                return;
            }
            let data = event.data();
            let field = |name: &str| Reflect::get(&data, &name.into()).ok();
            let kind = field("type").and_then(|v| v.as_string());
            let query = field("query").and_then(|v| v.as_string());
            if let (Some(MESSAGE_TYPE), Some(query)) = (kind.as_deref(), query) {
                finish(Outcome::Answer(query));
            }
        })
    };
    let on_tick = {
        let (popup, finish) = (popup.clone(), finish.clone());
        Closure::<dyn FnMut()>::new(move || {
            if popup.closed().unwrap_or(true) {
                finish(Outcome::Closed);
            }
        })
    };
    let on_timeout = Closure::<dyn FnMut()>::new(move || finish(Outcome::TimedOut));
    let done = Promise::new(&mut |resolve: Function, _| {
        *settle.borrow_mut() = Some(resolve);
    });
    let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    let tick = window
        .set_interval_with_callback_and_timeout_and_arguments_0(
            on_tick.as_ref().unchecked_ref(),
            CLOSED_POLL_MS,
        )
        .unwrap_or_default();
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            on_timeout.as_ref().unchecked_ref(),
            i32::try_from(timeout_ms).unwrap_or(i32::MAX),
        )
        .unwrap_or_default();
    let _ = JsFuture::from(done).await;
    let _ =
        window.remove_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    window.clear_interval_with_handle(tick);
    window.clear_timeout_with_handle(timer);
    let ended = outcome.borrow_mut().take();
    ended.unwrap_or(Outcome::Closed)
}
