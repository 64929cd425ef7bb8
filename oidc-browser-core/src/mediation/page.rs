//! What a page does with each message of the worker once it said hello: the page's
//! half of the protocol, beside [`lifecycle`](super::lifecycle) (its first answer).
//!
//! A page acts only on what it is waiting for. The worker tells every page of a
//! session change (signed in, signed out, a refresh refused), but answers a request
//! (a login's address, a failure) to the page that asked; a failure one page did not
//! ask about is not shown in it. Another provider's messages are never this one's.

use serde_json::{Map, Value};

use super::lifecycle::NoWorkerReason;
use super::protocol::{SessionView, ToPage};
use crate::authorization::login_options::LoginOptions;

/// Why the page could not do something through the worker.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MediationError {
    /// No worker can hold the tokens, and the configuration keeps them out of the page
    /// (`token_mediation_fallback` is off).
    #[error("sign-in is unavailable in this browser: {0}")]
    Unavailable(NoWorkerReason),
    /// The worker did not answer a request in time.
    #[error("the service worker that keeps the tokens did not answer in time; reload the page")]
    NoAnswer,
    /// The worker's own message: never a token; a provider's error answer is
    /// described as the page mode describes it.
    #[error("{0}")]
    Worker(String),
    /// Something only a page that holds tokens can do.
    #[error("{0} is not available while the service worker keeps the tokens")]
    NotWithWorker(&'static str),
    /// A new version of the worker took over before answering this page's request.
    #[error("the service worker that keeps the tokens was updated meanwhile; please try again")]
    Replaced,
}

/// What this page of a provider waits for from the worker. Each request carries the
/// page's number for it, and the worker's answer names it: a page follows only the
/// answer to what it asked, never a late one (a login's address after a sign-out
/// click) nor another request's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageSide {
    /// It said hello and waits for the welcome (or word that it is stale).
    pub hello: bool,
    /// The page's first welcome was the worker's last message: a failure right behind
    /// it says why this browser's last login at the callback failed.
    pub just_welcomed: bool,
    /// The worker answered a hello of this page before.
    pub answered: bool,
    /// The login it asked for (the worker answers with the provider's address).
    pub login: Option<u32>,
    /// The silent restore it asked for (the worker lost the session), whose address
    /// goes to a hidden frame.
    pub restoring: Option<u32>,
    /// Its sign-out, and whether of the app only.
    pub signing_out: Option<(u32, bool)>,
    /// The renewal its callers wait for.
    pub renewing: Option<u32>,
    /// The last request number it used.
    pub last_request: u32,
}

impl PageSide {
    /// A number for the page's next request.
    pub fn next_request(&mut self) -> u32 {
        self.last_request = self.last_request.wrapping_add(1);
        self.last_request
    }

    /// Waits for nothing any more (the session ended), but still for its hello.
    fn forget_requests(&mut self) {
        *self = Self {
            hello: self.hello,
            answered: self.answered,
            last_request: self.last_request,
            ..Self::default()
        };
    }
}

/// What the page does with a message.
#[derive(Clone, Debug, PartialEq)]
pub enum PageStep {
    /// Not this page's business.
    Nothing,
    /// The worker's welcome (or its word that it is stale): decided by
    /// [`lifecycle::page_start`](super::lifecycle::page_start). `first`: the first
    /// answer of this page load (later ones are the keep-alive's, a new worker
    /// version's, or Back's).
    Start {
        /// The welcome or the staleness.
        answer: ToPage,
        /// The first answer of this page load.
        first: bool,
    },
    /// Signed in, here or in another page (a login, a renewal, a restore).
    SignedIn(SessionView),
    /// Signed out in another page, or the session ended there: nobody is signed in.
    SignedOutElsewhere,
    /// This page's sign-out is done, and the provider's session stays: signed out of
    /// the app only.
    SignedOutLocally,
    /// Go to the provider (a login's address, or the worker's logout address).
    Navigate(String),
    /// Load the silent sign-in's address in a hidden frame.
    SilentFrame(String),
    /// The silent restore failed (the provider wants the user): quietly signed out.
    RestoreFailed,
    /// This page's login or sign-out failed, or the last login at the callback did, or
    /// the worker could not set itself up to answer the hello: the message.
    Failed(String),
    /// This page's renewal failed; the session goes on.
    RenewalFailed(String),
    /// The worker ended the session (a refused refresh token): the message.
    SessionEnded(String),
}

/// The step for `message` in the page of the provider `provider` (its storage
/// prefix), and what it waits for afterwards.
pub fn after_message(side: &mut PageSide, provider: &str, message: ToPage) -> PageStep {
    let mine = |named: &str| named == provider;
    let was_welcomed = std::mem::take(&mut side.just_welcomed);
    match message {
        ToPage::Welcome {
            provider: ref named,
            ..
        }
        | ToPage::Stale {
            provider: ref named,
        } if mine(named) && side.hello => {
            // Only the answer to this page's own hello: script in the page can send a
            // hello of its own, and its answer comes here too; one that comes while
            // the page waits for its own is not told apart.
            side.hello = false;
            if side.signing_out.is_some() {
                // Said before the click: the session it may bring is being ended.
                return PageStep::Nothing;
            }
            let first = !std::mem::replace(&mut side.answered, true);
            side.just_welcomed = first && matches!(message, ToPage::Welcome { .. });
            PageStep::Start {
                answer: message,
                first,
            }
        }
        ToPage::SignedIn {
            provider: named,
            session,
        } if mine(&named) => {
            if side.signing_out.is_some() {
                return PageStep::Nothing;
            }
            // A login this page asked for still goes on (a step-up while another
            // tab renewed).
            side.restoring = None;
            side.renewing = None;
            PageStep::SignedIn(session)
        }
        ToPage::SignedOut { provider: named } if mine(&named) => {
            if side.signing_out.is_some() {
                // The worker's answer to this page follows: where to go.
                return PageStep::Nothing;
            }
            side.forget_requests();
            PageStep::SignedOutElsewhere
        }
        ToPage::SignedOutLocally { provider: named } if mine(&named) => {
            match side.signing_out.take() {
                Some(_) => PageStep::SignedOutLocally,
                None => PageStep::Nothing,
            }
        }
        ToPage::GoTo {
            provider: named,
            url,
            request,
        } if mine(&named) => {
            if let Some((_, local_only)) = side.signing_out.take_if(|(asked, _)| *asked == request)
            {
                if local_only {
                    PageStep::SignedOutLocally
                } else {
                    PageStep::Navigate(url)
                }
            } else if side.restoring == Some(request) {
                PageStep::SilentFrame(url)
            } else if side.login.take_if(|asked| *asked == request).is_some() {
                PageStep::Navigate(url)
            } else {
                PageStep::Nothing
            }
        }
        ToPage::Failed {
            provider: named,
            message,
            ends_session,
            request,
        } if named.as_deref().is_none_or(mine) => {
            if ends_session {
                side.forget_requests();
                return PageStep::SessionEnded(message);
            }
            let is = |asked: Option<u32>| request.is_some() && asked == request;
            if let Some(request) = request {
                if side.login.take_if(|asked| *asked == request).is_some() {
                    PageStep::Failed(message)
                } else if side.restoring.take_if(|asked| *asked == request).is_some() {
                    PageStep::RestoreFailed
                } else if side.renewing.take_if(|asked| *asked == request).is_some() {
                    PageStep::RenewalFailed(message)
                } else if is(side.signing_out.map(|(asked, _)| asked)) {
                    side.signing_out = None;
                    PageStep::Failed(message)
                } else {
                    PageStep::Nothing
                }
            } else if named.is_some() && std::mem::take(&mut side.hello) {
                // The worker could not set itself up (its configuration, the
                // provider's discovery): its reason, rather than "no answer".
                PageStep::Failed(message)
            } else if named.is_some() && side.restoring.take().is_some() {
                // A silent sign-in's answer failed in the worker (told to every page:
                // no page's request names it); with one session per provider, a
                // restore of another tab failing is this one's failing too.
                PageStep::RestoreFailed
            } else if was_welcomed {
                PageStep::Failed(message)
            } else {
                PageStep::Nothing
            }
        }
        _ => PageStep::Nothing,
    }
}

/// What the page shows when the worker answers a hello with no session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// A user.
    SignedIn,
    /// Starting (or a login on its way).
    Authenticating,
    /// "Unavailable", or a worker that did not answer in time.
    NoWorker,
    /// Anything else: signed out, a failure's or a sign-out's reason, Back's "not
    /// finished".
    Other,
}

/// What the page shows next when the worker holds no session for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoSession {
    /// The session it showed ended (the worker lost it, and this page load restored
    /// one already).
    Ended,
    /// At the callback path with no session: this page was opened by hand (a login's
    /// failure, told right behind the welcome, replaces it).
    NotACallback,
    /// Simply signed out.
    SignedOut,
}

/// The step for a welcome with no session (`None`: keep what is shown). `first`: the
/// first answer of this page load; later ones (the keep-alive's, Back's, a new
/// version's) only tell what changed, so a failure's or a sign-out's reason stays
/// shown (a guard would start a login on "signed out"). Nothing while the page waits
/// for a restore, a login or a sign-out of its own: their answers decide.
pub fn after_no_session(
    side: &PageSide,
    first: bool,
    at_callback: bool,
    shown: Shown,
) -> Option<NoSession> {
    if side.restoring.is_some() || side.login.is_some() || side.signing_out.is_some() {
        return None;
    }
    match shown {
        Shown::SignedIn => Some(NoSession::Ended),
        _ if first && at_callback => Some(NoSession::NotACallback),
        Shown::Authenticating if first => Some(NoSession::SignedOut),
        // A worker that answers at last (a slow first install).
        Shown::NoWorker => Some(NoSession::SignedOut),
        _ => None,
    }
}

/// A login's options as a page's `start_login` carries them
/// ([`start_login::login_options`](super::start_login::login_options) reads them back).
pub fn login_message(options: &LoginOptions) -> Map<String, Value> {
    let mut map = Map::new();
    let mut text = |name: &str, value: &Option<String>| {
        if let Some(value) = value {
            map.insert(name.to_owned(), Value::String(value.clone()));
        }
    };
    text("scope", &options.scope);
    text("audience", &options.audience);
    text("connection", &options.connection);
    text("organization", &options.organization);
    text("invitation", &options.invitation);
    text("prompt", &options.prompt);
    text("acr_values", &options.acr_values);
    text("login_hint", &options.login_hint);
    text("screen_hint", &options.screen_hint);
    text("ui_locales", &options.ui_locales);
    if let Some(max_age) = options.max_age {
        map.insert("max_age".into(), max_age.into());
    }
    if let Some(state) = &options.app_state {
        map.insert("app_state".into(), state.clone());
    }
    if !options.extra_params.is_empty() {
        let params = options
            .extra_params
            .iter()
            .map(|(name, value)| (name.clone(), Value::String(value.clone())))
            .collect();
        map.insert("extra_params".into(), Value::Object(params));
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authorization::return_to::ReturnTo;
    use crate::mediation::protocol::PROTOCOL;
    use crate::mediation::start_login::login_options;

    const APP: &str = "app";

    fn view() -> SessionView {
        SessionView {
            claims: Map::new(),
            expires_at_ms: 5,
            scope: None,
            renewable: false,
            dpop_jkt: None,
        }
    }

    fn failed(ends_session: bool, request: Option<u32>) -> ToPage {
        ToPage::Failed {
            provider: Some(APP.into()),
            message: "refused".into(),
            ends_session,
            request,
        }
    }

    fn go_to(request: u32) -> ToPage {
        ToPage::GoTo {
            provider: APP.into(),
            url: "https://idp.example/authorize".into(),
            request,
        }
    }

    fn signed_in() -> ToPage {
        ToPage::SignedIn {
            provider: APP.into(),
            session: view(),
        }
    }

    fn signed_out() -> ToPage {
        ToPage::SignedOut {
            provider: APP.into(),
        }
    }

    fn welcome() -> ToPage {
        ToPage::Welcome {
            protocol: PROTOCOL,
            provider: APP.into(),
            session: None,
        }
    }

    #[test]
    fn the_welcome_starts_the_page_and_a_failure_right_behind_it_is_the_last_logins() {
        let mut side = PageSide {
            hello: true,
            ..PageSide::default()
        };
        assert_eq!(
            after_message(&mut side, APP, welcome()),
            PageStep::Start {
                answer: welcome(),
                first: true
            }
        );
        assert!(!side.hello);
        // The worker's orphan failure names no provider.
        let orphan = ToPage::Failed {
            provider: None,
            message: "no sign-in".into(),
            ends_session: false,
            request: None,
        };
        assert_eq!(
            after_message(&mut side, APP, orphan.clone()),
            PageStep::Failed("no sign-in".into())
        );
        // Not twice, and not after anything else came between.
        assert_eq!(
            after_message(&mut side, APP, orphan.clone()),
            PageStep::Nothing
        );
        assert_eq!(
            after_message(&mut side, APP, failed(false, None)),
            PageStep::Nothing
        );
        // Nor behind a later welcome (the keep-alive's): another tab's silent
        // failure, told to every page, is no login of this one.
        side.hello = true;
        assert_eq!(
            after_message(&mut side, APP, welcome()),
            PageStep::Start {
                answer: welcome(),
                first: false
            }
        );
        assert_eq!(after_message(&mut side, APP, orphan), PageStep::Nothing);
    }

    #[test]
    fn a_welcome_that_lands_during_a_sign_out_here_is_taken_and_ignored() {
        let mut side = PageSide {
            hello: true,
            signing_out: Some((3, false)),
            ..PageSide::default()
        };
        let with_session = ToPage::Welcome {
            protocol: PROTOCOL,
            provider: APP.into(),
            session: Some(view()),
        };
        assert_eq!(
            after_message(&mut side, APP, with_session),
            PageStep::Nothing
        );
        assert!(!side.hello && !side.just_welcomed);
        assert_eq!(side.signing_out, Some((3, false)), "still signing out");
    }

    #[test]
    fn a_silent_failure_told_to_every_page_ends_a_restore_even_right_after_a_welcome() {
        let mut side = PageSide {
            hello: true,
            restoring: Some(2),
            ..PageSide::default()
        };
        assert_eq!(
            after_message(&mut side, APP, welcome()),
            PageStep::Start {
                answer: welcome(),
                first: true
            }
        );
        assert_eq!(
            after_message(&mut side, APP, failed(false, None)),
            PageStep::RestoreFailed
        );
    }

    #[test]
    fn a_welcome_or_staleness_this_page_did_not_ask_for_is_ignored() {
        for message in [
            ToPage::Stale {
                provider: APP.into(),
            },
            welcome(),
        ] {
            let mut side = PageSide::default();
            assert_eq!(after_message(&mut side, APP, message), PageStep::Nothing);
            assert!(!side.just_welcomed);
        }
    }

    #[test]
    fn a_worker_that_cannot_set_itself_up_answers_the_hello_with_its_reason() {
        let mut side = PageSide {
            hello: true,
            ..PageSide::default()
        };
        // Not a provider-less failure (any page script's garbage gets one).
        let garbage = ToPage::Failed {
            provider: None,
            message: "not understood".into(),
            ends_session: false,
            request: None,
        };
        assert_eq!(after_message(&mut side, APP, garbage), PageStep::Nothing);
        assert_eq!(
            after_message(&mut side, APP, failed(false, None)),
            PageStep::Failed("refused".into())
        );
        assert!(!side.hello, "the wait for the welcome is over");
    }

    #[test]
    fn a_failure_this_page_did_not_ask_about_is_not_shown_but_an_ended_session_is() {
        let mut side = PageSide {
            login: Some(1),
            renewing: Some(2),
            hello: true,
            last_request: 2,
            ..PageSide::default()
        };
        assert_eq!(
            after_message(&mut side, APP, failed(false, Some(7))),
            PageStep::Nothing
        );
        assert_eq!(
            after_message(&mut side, APP, failed(true, None)),
            PageStep::SessionEnded("refused".into())
        );
        assert_eq!(
            side,
            PageSide {
                hello: true,
                last_request: 2,
                ..PageSide::default()
            },
            "waits for nothing but its hello, and numbers on"
        );
    }

    #[test]
    fn the_login_address_is_followed_once_and_only_for_this_pages_login() {
        let mut side = PageSide::default();
        assert_eq!(after_message(&mut side, APP, go_to(1)), PageStep::Nothing);
        side.login = Some(side.next_request());
        let asked = side.last_request;
        assert_eq!(
            after_message(&mut side, APP, go_to(asked + 1)),
            PageStep::Nothing,
            "another request's address"
        );
        assert!(matches!(
            after_message(&mut side, APP, go_to(asked)),
            PageStep::Navigate(_)
        ));
        assert_eq!(
            after_message(&mut side, APP, go_to(asked)),
            PageStep::Nothing
        );
        side.login = Some(side.next_request());
        let asked = side.last_request;
        assert_eq!(
            after_message(&mut side, APP, failed(false, Some(asked))),
            PageStep::Failed("refused".into())
        );
        assert_eq!(side.login, None);
    }

    #[test]
    fn a_sign_in_elsewhere_does_not_cancel_this_pages_login() {
        let mut side = PageSide {
            login: Some(4),
            ..PageSide::default()
        };
        assert_eq!(
            after_message(&mut side, APP, signed_in()),
            PageStep::SignedIn(view())
        );
        assert!(matches!(
            after_message(&mut side, APP, go_to(4)),
            PageStep::Navigate(_)
        ));
    }

    #[test]
    fn a_restore_goes_to_a_hidden_frame_and_fails_quietly() {
        let mut side = PageSide {
            restoring: Some(3),
            ..PageSide::default()
        };
        assert!(matches!(
            after_message(&mut side, APP, go_to(3)),
            PageStep::SilentFrame(_)
        ));
        // The silent answer's failure is told to every page, naming no request.
        assert_eq!(
            after_message(&mut side, APP, failed(false, None)),
            PageStep::RestoreFailed
        );
        side.restoring = Some(5);
        assert_eq!(
            after_message(&mut side, APP, failed(false, Some(5))),
            PageStep::RestoreFailed,
            "the worker could not start it"
        );
        side.restoring = Some(6);
        assert_eq!(
            after_message(&mut side, APP, signed_in()),
            PageStep::SignedIn(view())
        );
        assert_eq!(side.restoring, None);
    }

    #[test]
    fn a_renewal_failure_of_this_page_does_not_end_its_restore() {
        let mut side = PageSide {
            restoring: Some(1),
            renewing: Some(2),
            ..PageSide::default()
        };
        assert_eq!(
            after_message(&mut side, APP, failed(false, Some(2))),
            PageStep::RenewalFailed("refused".into())
        );
        assert_eq!(side.restoring, Some(1));
    }

    #[test]
    fn a_sign_out_here_follows_only_its_own_answer_and_ignores_a_late_sign_in() {
        for (local_only, done) in [
            (
                false,
                PageStep::Navigate("https://idp.example/authorize".into()),
            ),
            (true, PageStep::SignedOutLocally),
        ] {
            // A login and a restore were asked before the click: their addresses,
            // coming late, are not followed.
            let mut side = PageSide {
                signing_out: Some((9, local_only)),
                ..PageSide::default()
            };
            assert_eq!(
                after_message(&mut side, APP, signed_out()),
                PageStep::Nothing
            );
            assert_eq!(
                after_message(&mut side, APP, signed_in()),
                PageStep::Nothing
            );
            assert_eq!(after_message(&mut side, APP, go_to(8)), PageStep::Nothing);
            assert_eq!(after_message(&mut side, APP, go_to(9)), done);
            assert_eq!(side.signing_out, None);
        }
        // A provider without a logout page: signed out of the app only.
        let mut side = PageSide {
            signing_out: Some((1, false)),
            ..PageSide::default()
        };
        let locally = ToPage::SignedOutLocally {
            provider: APP.into(),
        };
        assert_eq!(
            after_message(&mut side, APP, locally.clone()),
            PageStep::SignedOutLocally
        );
        assert_eq!(after_message(&mut side, APP, locally), PageStep::Nothing);
    }

    #[test]
    fn a_sign_out_elsewhere_ends_what_this_page_waited_for_but_its_hello() {
        let mut side = PageSide {
            login: Some(1),
            renewing: Some(2),
            hello: true,
            ..PageSide::default()
        };
        assert_eq!(
            after_message(&mut side, APP, signed_out()),
            PageStep::SignedOutElsewhere
        );
        assert_eq!(
            side,
            PageSide {
                hello: true,
                ..PageSide::default()
            }
        );
    }

    #[test]
    fn another_providers_messages_are_never_this_ones() {
        let mut side = PageSide {
            login: Some(1),
            restoring: Some(1),
            renewing: Some(1),
            hello: true,
            signing_out: None,
            just_welcomed: false,
            answered: true,
            last_request: 1,
        };
        let before = side.clone();
        for message in [
            ToPage::SignedIn {
                provider: "shop".into(),
                session: view(),
            },
            ToPage::SignedOut {
                provider: "shop".into(),
            },
            ToPage::GoTo {
                provider: "shop".into(),
                url: "https://idp.example/".into(),
                request: 1,
            },
            ToPage::Failed {
                provider: Some("shop".into()),
                message: "no".into(),
                ends_session: true,
                request: Some(1),
            },
            ToPage::Stale {
                provider: "shop".into(),
            },
        ] {
            assert_eq!(after_message(&mut side, APP, message), PageStep::Nothing);
        }
        assert_eq!(side, before);
    }

    #[test]
    fn a_welcome_with_no_session_changes_only_what_it_must() {
        let idle = PageSide::default();
        // The session shown is gone.
        assert_eq!(
            after_no_session(&idle, false, false, Shown::SignedIn),
            Some(NoSession::Ended)
        );
        // At start: signed out, or at the callback "opened by hand".
        assert_eq!(
            after_no_session(&idle, true, false, Shown::Authenticating),
            Some(NoSession::SignedOut)
        );
        assert_eq!(
            after_no_session(&idle, true, true, Shown::Authenticating),
            Some(NoSession::NotACallback)
        );
        // A late worker lifts "unavailable".
        assert_eq!(
            after_no_session(&idle, false, false, Shown::NoWorker),
            Some(NoSession::SignedOut)
        );
        // A beat keeps a reason shown, and never makes "signed out" of a login on its
        // way or anything else.
        for shown in [Shown::Other, Shown::Authenticating] {
            assert_eq!(after_no_session(&idle, false, false, shown), None);
            assert_eq!(after_no_session(&idle, false, true, shown), None);
        }
        // While the page waits for its own request, that request's answer decides.
        for busy in [
            PageSide {
                restoring: Some(1),
                ..PageSide::default()
            },
            PageSide {
                login: Some(1),
                ..PageSide::default()
            },
            PageSide {
                signing_out: Some((1, false)),
                ..PageSide::default()
            },
        ] {
            for shown in [Shown::SignedIn, Shown::Authenticating, Shown::NoWorker] {
                assert_eq!(after_no_session(&busy, true, true, shown), None);
            }
        }
    }

    #[test]
    fn every_login_option_survives_the_trip_to_the_worker() {
        let options = LoginOptions {
            return_to: Some(ReturnTo::parse("/p").unwrap()),
            scope: Some("openid email".into()),
            audience: Some("https://api".into()),
            connection: Some("github".into()),
            organization: Some("org_1".into()),
            invitation: Some("inv".into()),
            prompt: Some("login".into()),
            max_age: Some(60),
            acr_values: Some("mfa".into()),
            login_hint: Some("a@b".into()),
            screen_hint: Some("signup".into()),
            ui_locales: Some("fr".into()),
            extra_params: vec![("ext-a".into(), "1".into())],
            app_state: Some(serde_json::json!({"k": [1]})),
        };
        let read = login_options("/p", &login_message(&options)).unwrap();
        assert_eq!(read, options);
        assert_eq!(
            login_options("/", &login_message(&LoginOptions::default())).unwrap(),
            LoginOptions {
                return_to: Some(ReturnTo::home()),
                ..LoginOptions::default()
            }
        );
    }
}
