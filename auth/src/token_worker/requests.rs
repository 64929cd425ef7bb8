//! The pages' requests: each decided by `mediation`'s rule before it leaves the
//! browser. Decided at once when the worker is set up, so a request that carries no
//! token goes out as the browser would send it, untouched.

use oidc_browser_core::mediation::navigation::{carries_answer, logout_ticket, without_query};
use oidc_browser_core::mediation::several::ProvidersVerdict;
use oidc_browser_core::mediation::PageRequest;
use wasm_bindgen::JsValue;
use web_sys::{Request, Response, ResponseInit};

use super::attach::{self, fetch};
use super::{callback, messages, renew, served};

/// What the worker's script does with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Decision {
    /// Leave it to the browser: no token, nothing to check.
    PassThrough = 0,
    /// Hand it to [`respond`]: a token is attached, it is refused, or it is the
    /// provider's answer at the callback.
    Respond = 1,
    /// The worker is not set up yet: hand it to [`respond`], which waits for it.
    NotReady = 2,
}

enum Handling<'a> {
    PassThrough,
    Attach(&'a str),
    Refuse,
    Callback,
    Logout,
}

fn handling<'a>(worker: &'a served::Worker, request: PageRequest<'_>) -> Handling<'a> {
    if request.navigation && callback::is_callback(worker, request.url) {
        return Handling::Callback;
    }
    if request.navigation && logout_ticket(request.url, &worker.origin).is_some() {
        return Handling::Logout;
    }
    match worker.rules.verdict(request) {
        ProvidersVerdict::PassThrough => Handling::PassThrough,
        ProvidersVerdict::AttachToken { provider } => Handling::Attach(provider),
        ProvidersVerdict::Refuse => Handling::Refuse,
    }
}

/// Decides a request at once, from what the `fetch` event shows.
pub fn decide(url: &str, method: &str, navigation: bool) -> Decision {
    let request = PageRequest {
        url,
        method,
        navigation,
    };
    served::with(|worker| match handling(worker, request) {
        Handling::PassThrough => Decision::PassThrough,
        _ => Decision::Respond,
    })
    .unwrap_or(Decision::NotReady)
}

/// The answer to a request [`decide`] handed over.
///
/// # Errors
/// What the browser's `fetch` rejects with.
pub async fn respond(request: Request) -> Result<Response, JsValue> {
    let url = request.url();
    let method = request.method();
    let navigation = request.mode() == web_sys::RequestMode::Navigate;
    if served::ready().await.is_err() {
        // No configuration: no session either, so no token to attach. But a
        // provider's answer still never loads as a page: without the configuration
        // every navigation that carries one is sent on without it.
        if navigation && carries_answer(&url) {
            return Response::redirect_with_status(without_query(&url), 303);
        }
        return fetch(&request).await;
    }
    let page_request = PageRequest {
        url: &url,
        method: &method,
        navigation,
    };
    enum Step {
        PassThrough,
        Attach(String),
        Refuse,
        Callback,
        Logout,
    }
    let step = served::with(|worker| match handling(worker, page_request) {
        Handling::PassThrough => Step::PassThrough,
        Handling::Refuse => Step::Refuse,
        Handling::Callback => Step::Callback,
        Handling::Logout => Step::Logout,
        Handling::Attach(prefix) => Step::Attach(prefix.to_owned()),
    })
    .unwrap_or(Step::PassThrough);
    match step {
        Step::PassThrough => fetch(&request).await,
        Step::Refuse => Ok(Response::error()),
        Step::Callback => match callback::finish(&url).await {
            Some(to) => Response::redirect_with_status(&to, 303),
            None => {
                let init = ResponseInit::new();
                init.set_status(204);
                Response::new_with_opt_str_and_init(None, &init)
            }
        },
        Step::Logout => {
            // Once per ticket; a ticket already used (Back, a reload) goes home.
            let origin = served::own_origin();
            let to = logout_ticket(&url, &origin)
                .and_then(messages::logout_page)
                .unwrap_or_else(|| format!("{origin}/"));
            Response::redirect_with_status(&to, 303)
        }
        Step::Attach(prefix) => {
            attach::send(&request, renew::token_for_request(&prefix).await).await
        }
    }
}
