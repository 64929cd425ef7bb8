//! The auth context in the token worker mode (`"token_mediation": "service_worker"`):
//! the service worker holds the tokens, and the context follows what it says. Loaded
//! from its own chunk (`pkce_mediated`), which only an app in this mode fetches.
//!
//! The rules are the core's: the page's first step after its hello
//! ([`lifecycle::page_start`]: go on, restore silently, reload once, fall back or
//! unavailable) and its step for every later message ([`after_message`]).
//!
//! Races, and what makes each safe:
//! - every session change is the worker's, and it tells every page: a sign-out in one
//!   tab reaches the others as `signed_out`, a login or a renewal as `signed_in`;
//! - each request of the page carries a number, and the worker's answer names it; a
//!   page follows only the answer to a request it still waits for ([`PageSide`]): a
//!   login's or a restore's address that comes after the user clicked Sign out is not
//!   followed, a sign-in that lands during a sign-out here is not shown, a failure of
//!   another request or another page's work is not shown here;
//! - a double click: [`Auth::login`] does nothing while loading, and the worker's
//!   login address is followed once;
//! - renewals: one in flight per provider in the worker for all tabs; in this page,
//!   callers at the same time wait for the same answer (one `renew` sent), and a
//!   timer gives up only on the renewal it was set for;
//! - each timer (hello, login, sign-out, restore, renewal) acts only if the request it
//!   was set for is still the one waited for;
//! - a new worker version (a deploy) taking over says hello again: its empty memory is
//!   restored silently once per page load, or the page reloads once onto it.

use js_sys::{Function, Promise};
use leptos::prelude::*;
use serde_json::Map;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::api_answer::read_api_answer;
use super::{ApiRequest, Auth, AuthState};
use crate::browser::http::{self, HttpResponse};
use crate::browser::{clock, hint, navigation, worker_link};
use crate::error::AuthError;
use oidc_browser_core::authorization::login_options::LoginOptions;
use oidc_browser_core::authorization::return_to::ReturnTo;
use oidc_browser_core::callback::CallbackError;
use oidc_browser_core::id_token::claims::IdTokenClaims;
use oidc_browser_core::mediation::lifecycle::{
    page_start, NoWorkerReason, PageLoad, PageStart, KEEP_ALIVE_MS,
};
use oidc_browser_core::mediation::navigation::carries_answer;
use oidc_browser_core::mediation::page::MediationError::NotWithWorker;
use oidc_browser_core::mediation::page::{
    after_message, after_no_session, login_message, MediationError, NoSession, PageSide, PageStep,
    Shown,
};
use oidc_browser_core::mediation::protocol::{
    config_digest, SessionView, ToPage, ToWorker, PROTOCOL,
};
use oidc_browser_core::session::logout::LogoutOptions;
use oidc_browser_core::session::Session;
use oidc_browser_core::token::token_request::TokenKey;
use oidc_browser_core::ProtocolError;

/// How long a page waits for the worker to control it (its first install included).
const CONTROL_WAIT_MS: i32 = 10_000;
/// How long a silent restore through the worker may take (a frame at the provider).
const RESTORE_WAIT_MS: u64 = 15_000;

/// What the page keeps of its conversation with the worker.
#[derive(Default)]
pub(crate) struct WorkerPage {
    /// What it waits for.
    side: PageSide,
    /// Callers waiting for the renewal this page asked for.
    renewals: Vec<Function>,
    /// This page load restored a session silently once already.
    restored: bool,
    /// No worker could be used and the configuration allows tokens in the page: the
    /// context works as without this mode, for this reason.
    fell_back: Option<NoWorkerReason>,
    /// The worker holds a refresh token for the session shown.
    renewable: bool,
    /// The thumbprint of the worker's DPoP key the session's token is bound to.
    bound_to: Option<String>,
    /// Hellos said: the wait for an answer ends with the one it was said for.
    hellos: u32,
    /// This page's sign-out as sent, sent again to a worker that takes over before
    /// answering it.
    sign_out: Option<ToWorker>,
}

impl WorkerPage {
    /// The conversation of a page whose browser has no service workers, with the
    /// configuration allowing tokens in the page (`token_mediation_fallback`).
    pub(crate) fn fallen_back() -> Self {
        Self {
            fell_back: Some(NoWorkerReason::NoWorker),
            ..Self::default()
        }
    }

    /// True while the worker holds this page's tokens (it has not fallen back).
    pub(crate) fn mediates(&self) -> bool {
        self.fell_back.is_none()
    }

    /// Why the page keeps the tokens itself although the configuration asks for the
    /// worker.
    pub(crate) fn fell_back(&self) -> Option<NoWorkerReason> {
        self.fell_back
    }

    /// True when the worker renews the session shown by itself (it holds a refresh
    /// token).
    pub(crate) fn renewable(&self) -> bool {
        self.renewable
    }

    /// The RFC 7638 thumbprint of the key the session's token is bound to (DPoP), which
    /// only the worker holds.
    pub(crate) fn bound_to(&self) -> Option<String> {
        self.bound_to.clone()
    }
}

/// What the context asks of the worker (one entry point into the chunk).
pub(crate) enum WorkerAction {
    /// Register it, say hello, follow its messages.
    Start,
    /// Start a login.
    Login(LoginOptions),
    /// Sign out.
    Logout(LogoutOptions),
    /// Renew the session.
    Renew,
    /// Call an API; the worker attaches the token.
    CallApi(ApiRequest),
    /// Say hello again (the page came back from the back/forward cache): the answer
    /// brings it up to date.
    Hello,
}

/// Does `action` for `auth`: `Some` answer for an API call.
pub(crate) async fn act(
    auth: Auth,
    action: WorkerAction,
) -> Result<Option<HttpResponse>, AuthError> {
    match action {
        WorkerAction::Start => start(auth).await,
        WorkerAction::Login(options) => login(auth, options)?,
        WorkerAction::Logout(options) => logout(auth, options),
        WorkerAction::Renew => return renew(auth).await.map(|()| None),
        WorkerAction::CallApi(request) => return call_api(auth, request).await.map(Some),
        WorkerAction::Hello => say_hello(auth),
    }
    Ok(None)
}

fn prefix(auth: Auth) -> String {
    auth.config.with_value(|c| c.storage_prefix.clone())
}

fn side<T>(auth: Auth, f: impl FnOnce(&mut WorkerPage) -> T) -> Option<T> {
    auth.worker
        .try_update_value(|page| page.as_mut().map(f))
        .flatten()
}

/// A number for the page's next request, with what it is for noted.
fn ask(auth: Auth, note: impl FnOnce(&mut PageSide, u32)) -> u32 {
    side(auth, |page| {
        let request = page.side.next_request();
        note(&mut page.side, request);
        request
    })
    .unwrap_or_default()
}

fn here() -> ReturnTo {
    ReturnTo::parse(&(navigation::current_path() + &navigation::current_query()))
        .unwrap_or_else(|_| ReturnTo::home())
}

fn after(ms: u64, then: impl FnOnce() + 'static) {
    set_timeout(then, std::time::Duration::from_millis(ms));
}

/// How long the worker may take to answer: a hello (its set-up reads the
/// configuration and the provider's discovery), a login (discovery, the key set and a
/// pushed request may each take up to the HTTP timeout), a sign-out (its revocation)
/// or a renewal.
fn answer_wait_ms(auth: Auth) -> u64 {
    let timeout_ms = u64::from(auth.config.with_value(|c| c.http_timeout_secs)) * 1000;
    2 * timeout_ms + 10_000
}

/// Registers the worker, listens to it, says hello, and keeps it awake while the page
/// is open.
async fn start(auth: Auth) {
    let config = auth.config.get_value();
    // A login's answer that reached the page (no worker took it: unregistered, or
    // not yet in control) leaves the address bar: nothing in the page redeems it.
    let path = navigation::current_path();
    let url = navigation::current_origin() + &path + &navigation::current_query();
    if path == config.callback_path() && carries_answer(&url) {
        navigation::replace_url(&path);
    }
    // Loaded past the worker (a Shift+Reload): a plain reload, once per such load,
    // puts the page back under it (the mark is read and removed at every start).
    let names = auth.names();
    let just_reloaded = hint::take_passed_over_reload(&names);
    if !just_reloaded && worker_link::passed_over().await {
        hint::set_passed_over_reload(&names);
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
        return;
    }
    worker_link::listen(move |message| heard(auth, message));
    // Each worker that takes this page over (the first install's, a new version's)
    // gets a hello: a page found unavailable recovers when one comes late.
    worker_link::on_controller_change(move || taken_over(auth));
    // The keep-alive is a hello: it keeps an idle worker from being stopped, and when
    // one was stopped anyway (a background tab's slowed timers, DevTools), its
    // welcome with no session tells the page within one beat, and the page restores
    // the session before the user needs it.
    let _ = set_interval_with_handle(
        move || say_hello(auth),
        std::time::Duration::from_millis(KEEP_ALIVE_MS.into()),
    );
    if !worker_link::controlled(CONTROL_WAIT_MS).await {
        return first_answer(auth, None, true);
    }
    if side(auth, |page| page.hellos) == Some(0) {
        say_hello(auth);
    }
}

/// Another worker took this page over (a new version, with empty memory): what this
/// page asked of the last one will not be answered. A sign-out is sent to the new
/// one (it forgets nothing, and answers where to go); a login or a renewal fails
/// (asked again, it works); a restore may run again.
fn taken_over(auth: Auth) {
    let open = side(auth, |page| {
        let login = page.side.login.take();
        page.side.hello = false;
        if page.side.restoring.take().is_some() {
            page.restored = false;
        }
        (login, page.sign_out.clone())
    });
    finish_renewals(auth, Some(MediationError::Replaced.into()));
    if let Some((login, sign_out)) = open {
        if let Some(message) =
            sign_out.filter(|_| side(auth, |page| page.side.signing_out.is_some()) == Some(true))
        {
            worker_link::send(&message);
        }
        if login.is_some() {
            auth.state
                .set(AuthState::Failed(MediationError::Replaced.into()));
        }
    }
    say_hello(auth);
}

/// Says hello (at start, and to each new worker version), and takes silence for no
/// worker; a welcome that comes later is still taken.
fn say_hello(auth: Auth) {
    // While a hello is unanswered, the next one is only sent again: the wait for an
    // answer runs from the oldest.
    let said = side(auth, |page| {
        if page.side.hello {
            return None;
        }
        page.side.hello = true;
        page.hellos += 1;
        Some(page.hellos)
    })
    .flatten();
    let config = auth.config.get_value();
    worker_link::send(&ToWorker::Hello {
        protocol: PROTOCOL,
        provider: config.storage_prefix.clone(),
        config: config_digest(&config),
    });
    let Some(said) = said else {
        return;
    };
    after(answer_wait_ms(auth), move || {
        let unanswered = side(auth, |page| page.hellos == said && page.side.hello);
        if unanswered == Some(true) {
            first_answer(auth, None, false);
        }
    });
}

/// The page's step after the worker's answer to a hello (`None`: none came); `first`:
/// the first of this page load (later ones are the keep-alive's, a new version's or
/// Back's, which only tell what changed).
fn first_answer(auth: Auth, answer: Option<ToPage>, first: bool) {
    let config = auth.config.get_value();
    let names = auth.names();
    let load = PageLoad {
        knew_session: hint::signed_in_before(&names),
        reloaded_for_stale: hint::reloaded_for_worker(&names),
        restored: side(auth, |page| page.restored).unwrap_or(true),
        // Decided before (`start_auth`): only where the browser has no service
        // workers. A worker registered here takes the page's requests, and the page
        // mode could not work under it.
        fallback_allowed: false,
    };
    match page_start(&config.storage_prefix, answer, load) {
        PageStart::Proceed(session) => {
            hint::set_reloaded_for_worker(&names, false);
            match session {
                Some(view) => signed_in(auth, view),
                None => no_session(auth, first, load.knew_session),
            }
        }
        PageStart::RestoreSilently => restore(auth),
        PageStart::Reload => {
            hint::set_reloaded_for_worker(&names, true);
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        }
        PageStart::FallBack(reason) | PageStart::Unavailable(reason) => {
            web_sys::console::error_1(
                &format!("leptos-pkce: sign-in is unavailable: {reason}").into(),
            );
            auth.state.set(AuthState::Failed(
                MediationError::Unavailable(reason).into(),
            ));
        }
    }
}

/// The worker holds no session for this page's provider: the core's rule
/// ([`after_no_session`]) says what the page shows next.
fn no_session(auth: Auth, first: bool, knew_session: bool) {
    let at_callback =
        navigation::current_path() == auth.config.with_value(|c| c.callback_path().to_owned());
    let shown = auth.state.with_untracked(|state| match state {
        AuthState::SignedIn(_) => Shown::SignedIn,
        AuthState::Authenticating => Shown::Authenticating,
        AuthState::Failed(AuthError::Mediation(
            MediationError::Unavailable(_) | MediationError::NoAnswer,
        )) => Shown::NoWorker,
        _ => Shown::Other,
    });
    let next = side(auth, |page| {
        after_no_session(&page.side, first, at_callback, shown)
    })
    .flatten();
    let Some(next) = next else {
        return;
    };
    if knew_session {
        hint::set_signed_in_before(&auth.names(), false);
    }
    auth.state.set(match next {
        NoSession::Ended => AuthState::Failed(ProtocolError::SessionEnded.into()),
        NoSession::NotACallback => AuthState::Failed(CallbackError::NotACallback.into()),
        NoSession::SignedOut => AuthState::SignedOut,
    });
}

/// Signs in again silently through the worker, which lost its memory under this
/// signed-in page: its answer comes to a hidden frame the worker takes.
fn restore(auth: Auth) {
    side(auth, |page| page.restored = true);
    let request = ask(auth, |side, request| side.restoring = Some(request));
    // A page showing the user (a new worker version took over) goes on showing them.
    if auth.session().is_none() {
        auth.state.set(AuthState::Authenticating);
    }
    let mut options = Map::new();
    options.insert("prompt".into(), "none".into());
    worker_link::send(&ToWorker::StartLogin {
        provider: prefix(auth),
        return_to: here().as_str().to_owned(),
        options,
        request,
    });
    after(answer_wait_ms(auth) + RESTORE_WAIT_MS, move || {
        let waited = side(auth, |page| page.side.restoring.take_if(|r| *r == request));
        if waited.flatten().is_some() {
            restore_failed(auth);
        }
    });
}

/// The worker could not restore the session: a page that showed the user says the
/// session ended; one that was starting is simply signed out.
fn restore_failed(auth: Auth) {
    worker_link::close_silent_frame();
    hint::set_signed_in_before(&auth.names(), false);
    auth.state.set(match auth.session() {
        Some(_) => AuthState::Failed(ProtocolError::SessionEnded.into()),
        None => AuthState::SignedOut,
    });
}

/// Follows one message of the worker.
fn heard(auth: Auth, message: ToPage) {
    let provider = prefix(auth);
    // Once fallen back to the page mode, the worker is nobody's business here.
    let step = side(auth, |page| {
        page.mediates()
            .then(|| after_message(&mut page.side, &provider, message))
    });
    let Some(Some(step)) = step else {
        return;
    };
    match step {
        PageStep::Nothing => {}
        PageStep::Start { answer, first } => first_answer(auth, Some(answer), first),
        PageStep::SignedIn(view) => {
            worker_link::close_silent_frame();
            finish_renewals(auth, None);
            signed_in(auth, view);
        }
        PageStep::SignedOutElsewhere => {
            finish_renewals(auth, Some(ProtocolError::SignedOutElsewhere.into()));
            worker_link::close_silent_frame();
            hint::set_signed_in_before(&auth.names(), false);
            auth.app_state.set(None);
            match auth.state.get_untracked() {
                // Why the session ended (a refused refresh) stays shown.
                AuthState::Failed(_) => {}
                AuthState::SignedIn(_) => auth
                    .state
                    .set(AuthState::Failed(ProtocolError::SignedOutElsewhere.into())),
                _ => auth.state.set(AuthState::SignedOut),
            }
        }
        PageStep::SignedOutLocally => {
            side(auth, |page| page.sign_out = None);
            hint::set_signed_in_before(&auth.names(), false);
            auth.state.set(AuthState::SignedOutLocally)
        }
        PageStep::Navigate(url) => {
            side(auth, |page| page.sign_out = None);
            if let Err(error) = navigation::assign(&url) {
                auth.state.set(AuthState::Failed(error.into()));
            }
        }
        PageStep::SilentFrame(url) => worker_link::open_silent_frame(&url),
        PageStep::RestoreFailed => restore_failed(auth),
        PageStep::Failed(message) => auth
            .state
            .set(AuthState::Failed(MediationError::Worker(message).into())),
        PageStep::RenewalFailed(message) => {
            finish_renewals(auth, Some(MediationError::Worker(message).into()))
        }
        PageStep::SessionEnded(message) => {
            let error: AuthError = MediationError::Worker(message).into();
            finish_renewals(auth, Some(error.clone()));
            worker_link::close_silent_frame();
            hint::set_signed_in_before(&auth.names(), false);
            auth.app_state.set(None);
            auth.state.set(AuthState::Failed(error));
        }
    }
}

/// The session the worker holds, as the page may know it.
fn signed_in(auth: Auth, view: SessionView) {
    let claims = match IdTokenClaims::from_map(view.claims) {
        Ok(claims) => claims,
        Err(error) => return auth.state.set(AuthState::Failed(error.into())),
    };
    if auth
        .session()
        .is_some_and(|current| current.claims.sub != claims.sub)
    {
        auth.app_state.set(None);
    }
    hint::set_signed_in_before(&auth.names(), true);
    // Before the state: `Auth::can_renew` reads it when the state changes.
    side(auth, |page| {
        page.renewable = view.renewable;
        page.bound_to = view.dpop_jkt;
    });
    // Every beat's welcome brings the session: the page changes only when it did.
    let unchanged = auth.session().is_some_and(|shown| {
        shown.claims == claims
            && shown.expires_at_ms == view.expires_at_ms
            && shown.scope == view.scope
    });
    if unchanged {
        return;
    }
    let session = Session::without_tokens(claims, view.expires_at_ms, view.scope, clock::now_ms());
    auth.state.set(AuthState::SignedIn(Box::new(session)));
}

/// Asks the worker for a login's address, and goes there when it answers.
///
/// # Errors
/// A login with `app_state`: the worker's login lands at `return_to` with no way to
/// hand it back to the page yet, and it is refused rather than lost.
fn login(auth: Auth, options: LoginOptions) -> Result<(), AuthError> {
    if options.app_state.is_some() {
        return Err(NotWithWorker("a sign-in's app_state").into());
    }
    let return_to = options.return_to.clone().unwrap_or_else(here);
    let request = ask(auth, |side, request| side.login = Some(request));
    let sent = worker_link::send(&ToWorker::StartLogin {
        provider: prefix(auth),
        return_to: return_to.as_str().to_owned(),
        options: login_message(&options),
        request,
    });
    if !sent {
        side(auth, |page| page.side.login = None);
        return Err(MediationError::Unavailable(NoWorkerReason::NoWorker).into());
    }
    after(answer_wait_ms(auth), move || {
        let waited = side(auth, |page| page.side.login.take_if(|r| *r == request));
        if waited.flatten().is_some() {
            auth.state
                .set(AuthState::Failed(MediationError::NoAnswer.into()));
        }
    });
    Ok(())
}

/// Asks the worker to sign out (it forgets and revokes, and tells every page), then
/// goes where it says: the provider's logout page, or nowhere (signed out of the app
/// only).
fn logout(auth: Auth, options: LogoutOptions) {
    // The context moved to "signing out" already (`Auth::logout`): what this page
    // waited for is over.
    let request = ask(auth, |side, request| {
        *side = PageSide {
            hello: side.hello,
            last_request: side.last_request,
            signing_out: Some((request, options.local_only)),
            ..PageSide::default()
        };
    });
    finish_renewals(auth, Some(ProtocolError::SessionEnded.into()));
    worker_link::close_silent_frame();
    hint::set_signed_in_before(&auth.names(), false);
    let message = ToWorker::SignOut {
        provider: prefix(auth),
        request,
        federated: options.federated,
        return_to: options.return_to.map(|path| path.as_str().to_owned()),
    };
    side(auth, |page| page.sign_out = Some(message.clone()));
    let sent = worker_link::send(&message);
    if !sent {
        side(auth, |page| page.side.signing_out = None);
        return auth.state.set(AuthState::Failed(
            MediationError::Unavailable(NoWorkerReason::NoWorker).into(),
        ));
    }
    after(answer_wait_ms(auth), move || {
        let waited = side(auth, |page| {
            page.side.signing_out.take_if(|(r, _)| *r == request)
        });
        if waited.flatten().is_some() {
            auth.state
                .set(AuthState::Failed(MediationError::NoAnswer.into()));
        }
    });
}

/// Renews through the worker (one renewal for all tabs there): every caller in this
/// page waits for the same answer.
async fn renew(auth: Auth) -> Result<(), AuthError> {
    if auth.session().is_none() {
        return Err(ProtocolError::SessionEnded.into());
    }
    let mut first = None;
    let answer = Promise::new(&mut |resolve: Function, _| {
        first = side(auth, |page| {
            page.renewals.push(resolve.clone());
            match page.side.renewing {
                Some(_) => None,
                None => {
                    let request = page.side.next_request();
                    page.side.renewing = Some(request);
                    Some(request)
                }
            }
        })
        .flatten();
    });
    if let Some(request) = first {
        let sent = worker_link::send(&ToWorker::Renew {
            provider: prefix(auth),
            request,
        });
        if !sent {
            let no_worker = MediationError::Unavailable(NoWorkerReason::NoWorker);
            finish_renewals(auth, Some(no_worker.into()));
        }
        after(answer_wait_ms(auth), move || {
            let waited = side(auth, |page| page.side.renewing == Some(request));
            if waited == Some(true) {
                finish_renewals(auth, Some(MediationError::NoAnswer.into()));
            }
        });
    }
    let outcome = JsFuture::from(answer).await.unwrap_or(JsValue::NULL);
    match outcome.as_string() {
        None => Ok(()),
        Some(message) => Err(MediationError::Worker(message).into()),
    }
}

/// Answers every caller waiting for this page's renewal: done (`None`) or failed.
fn finish_renewals(auth: Auth, failure: Option<AuthError>) {
    let waiting = side(auth, |page| {
        page.side.renewing = None;
        std::mem::take(&mut page.renewals)
    })
    .unwrap_or_default();
    let outcome = failure.map_or(JsValue::NULL, |error| JsValue::from_str(&error.to_string()));
    for resolve in waiting {
        let _ = resolve.call1(&JsValue::NULL, &outcome);
    }
}

/// Calls an API with no token from the page: the worker attaches the access token
/// where its allow-list says (and renews it first when needed). A 401 is answered
/// with one renewal through the worker and one retry.
async fn call_api(auth: Auth, request: ApiRequest) -> Result<HttpResponse, AuthError> {
    let config = auth.config.get_value();
    let key = TokenKey::of(&config, &request.token);
    if key != TokenKey::default_for(&config) {
        return Err(MediationError::NotWithWorker("a token for another API").into());
    }
    if auth.session().is_none() {
        return Err(ProtocolError::SessionEnded.into());
    }
    let send = || {
        let body = request
            .body
            .as_ref()
            .map(|(content_type, text)| (content_type.as_str(), text.clone()));
        http::call(request.method.as_str(), &request.url, None, None, body)
    };
    if let Some(done) = read_api_answer(send().await?, &key, false)? {
        return Ok(done);
    }
    renew(auth).await?;
    read_api_answer(send().await?, &key, true)?.ok_or(ProtocolError::Unauthorized.into())
}
