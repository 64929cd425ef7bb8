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
    /// The worker's own message (it never quotes a token or a provider's value).
    #[error("{0}")]
    Worker(String),
    /// Something only a page that holds tokens can do.
    #[error("{0} is not available while the service worker keeps the tokens")]
    NotWithWorker(&'static str),
}

/// What this page of a provider waits for from the worker.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageSide {
    /// It said hello and waits for the welcome (or word that it is stale).
    pub hello: bool,
    /// The welcome was the worker's last message: a failure right behind it says why
    /// this browser's last login at the callback failed.
    pub just_welcomed: bool,
    /// It asked to start a login (the worker answers with the provider's address).
    pub login: bool,
    /// It restores a session the worker lost, by a silent sign-in in a hidden frame.
    pub restoring: bool,
    /// It signs out, signing out of the app only when `Some(true)`.
    pub signing_out: Option<bool>,
    /// Callers wait for a renewal it asked for.
    pub renewing: bool,
}

/// What the page does with a message.
#[derive(Clone, Debug, PartialEq)]
pub enum PageStep {
    /// Not this page's business.
    Nothing,
    /// The worker's welcome (or its word that it is stale): decided by
    /// [`lifecycle::page_start`](super::lifecycle::page_start).
    Start(ToPage),
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
    /// This page's login failed, or the last one at the callback did, or the worker
    /// could not set itself up to answer the hello: the message.
    LoginFailed(String),
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
            // hello of its own (a made-up digest gets `stale`), and must not make the
            // page reload or start over.
            side.hello = false;
            side.just_welcomed = matches!(message, ToPage::Welcome { .. });
            PageStep::Start(message)
        }
        ToPage::SignedIn {
            provider: named,
            session,
        } if mine(&named) => {
            if side.signing_out.is_some() {
                return PageStep::Nothing;
            }
            side.login = false;
            side.restoring = false;
            side.renewing = false;
            PageStep::SignedIn(session)
        }
        ToPage::SignedOut { provider: named } if mine(&named) => {
            if side.signing_out.is_some() {
                // The worker's answer to this page follows: where to go.
                return PageStep::Nothing;
            }
            *side = PageSide::default();
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
        } if mine(&named) => {
            if let Some(local_only) = side.signing_out {
                side.signing_out = None;
                if local_only {
                    PageStep::SignedOutLocally
                } else {
                    PageStep::Navigate(url)
                }
            } else if side.restoring {
                PageStep::SilentFrame(url)
            } else if std::mem::take(&mut side.login) {
                PageStep::Navigate(url)
            } else {
                PageStep::Nothing
            }
        }
        ToPage::Failed {
            provider: named,
            message,
            ends_session,
        } if named.as_deref().is_none_or(mine) => {
            if ends_session {
                *side = PageSide::default();
                PageStep::SessionEnded(message)
            } else if std::mem::take(&mut side.hello) {
                // The worker could not set itself up (its configuration, the
                // provider's discovery): its reason, rather than "no answer".
                PageStep::LoginFailed(message)
            } else if std::mem::take(&mut side.restoring) {
                PageStep::RestoreFailed
            } else if std::mem::take(&mut side.login) || was_welcomed {
                PageStep::LoginFailed(message)
            } else if std::mem::take(&mut side.renewing) {
                PageStep::RenewalFailed(message)
            } else {
                PageStep::Nothing
            }
        }
        _ => PageStep::Nothing,
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
        }
    }

    fn failed(ends_session: bool) -> ToPage {
        ToPage::Failed {
            provider: Some(APP.into()),
            message: "refused".into(),
            ends_session,
        }
    }

    fn go_to() -> ToPage {
        ToPage::GoTo {
            provider: APP.into(),
            url: "https://idp.example/authorize".into(),
        }
    }

    #[test]
    fn the_welcome_starts_the_page_and_a_failure_right_behind_it_is_the_last_logins() {
        let mut side = PageSide {
            hello: true,
            ..PageSide::default()
        };
        let welcome = ToPage::Welcome {
            protocol: PROTOCOL,
            provider: APP.into(),
            session: None,
        };
        assert_eq!(
            after_message(&mut side, APP, welcome.clone()),
            PageStep::Start(welcome)
        );
        assert!(!side.hello);
        assert_eq!(
            after_message(&mut side, APP, failed(false)),
            PageStep::LoginFailed("refused".into())
        );
        // Not twice, and not after anything else came between.
        assert_eq!(
            after_message(&mut side, APP, failed(false)),
            PageStep::Nothing
        );
    }

    #[test]
    fn a_welcome_or_staleness_this_page_did_not_ask_for_is_ignored() {
        for message in [
            ToPage::Stale {
                provider: APP.into(),
            },
            ToPage::Welcome {
                protocol: PROTOCOL,
                provider: APP.into(),
                session: None,
            },
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
        assert_eq!(
            after_message(&mut side, APP, failed(false)),
            PageStep::LoginFailed("refused".into())
        );
        assert!(!side.hello, "the wait for the welcome is over");
    }

    #[test]
    fn a_failure_this_page_did_not_ask_about_is_not_shown_but_an_ended_session_is() {
        let mut side = PageSide::default();
        assert_eq!(
            after_message(&mut side, APP, failed(false)),
            PageStep::Nothing
        );
        assert_eq!(
            after_message(&mut side, APP, failed(true)),
            PageStep::SessionEnded("refused".into())
        );
    }

    #[test]
    fn the_login_address_is_followed_once_and_only_when_asked_for() {
        let mut side = PageSide::default();
        assert_eq!(after_message(&mut side, APP, go_to()), PageStep::Nothing);
        side.login = true;
        assert!(matches!(
            after_message(&mut side, APP, go_to()),
            PageStep::Navigate(_)
        ));
        assert_eq!(after_message(&mut side, APP, go_to()), PageStep::Nothing);
        side.login = true;
        assert_eq!(
            after_message(&mut side, APP, failed(false)),
            PageStep::LoginFailed("refused".into())
        );
    }

    #[test]
    fn a_restore_goes_to_a_hidden_frame_and_fails_quietly() {
        let mut side = PageSide {
            restoring: true,
            ..PageSide::default()
        };
        assert!(matches!(
            after_message(&mut side, APP, go_to()),
            PageStep::SilentFrame(_)
        ));
        assert_eq!(
            after_message(&mut side, APP, failed(false)),
            PageStep::RestoreFailed
        );
        side.restoring = true;
        let signed_in = ToPage::SignedIn {
            provider: APP.into(),
            session: view(),
        };
        assert_eq!(
            after_message(&mut side, APP, signed_in),
            PageStep::SignedIn(view())
        );
        assert!(!side.restoring);
    }

    #[test]
    fn a_sign_out_here_waits_for_where_to_go_and_ignores_a_late_sign_in() {
        for (local_only, done) in [
            (
                false,
                PageStep::Navigate("https://idp.example/authorize".into()),
            ),
            (true, PageStep::SignedOutLocally),
        ] {
            let mut side = PageSide {
                signing_out: Some(local_only),
                ..PageSide::default()
            };
            let signed_out = ToPage::SignedOut {
                provider: APP.into(),
            };
            assert_eq!(after_message(&mut side, APP, signed_out), PageStep::Nothing);
            let late = ToPage::SignedIn {
                provider: APP.into(),
                session: view(),
            };
            assert_eq!(after_message(&mut side, APP, late), PageStep::Nothing);
            assert_eq!(after_message(&mut side, APP, go_to()), done);
            assert_eq!(side.signing_out, None);
        }
    }

    #[test]
    fn a_sign_out_elsewhere_ends_what_this_page_waited_for() {
        let mut side = PageSide {
            login: true,
            renewing: true,
            ..PageSide::default()
        };
        let signed_out = ToPage::SignedOut {
            provider: APP.into(),
        };
        assert_eq!(
            after_message(&mut side, APP, signed_out),
            PageStep::SignedOutElsewhere
        );
        assert_eq!(side, PageSide::default());
    }

    #[test]
    fn a_renewal_failure_reaches_the_page_that_asked() {
        let mut side = PageSide {
            renewing: true,
            ..PageSide::default()
        };
        assert_eq!(
            after_message(&mut side, APP, failed(false)),
            PageStep::RenewalFailed("refused".into())
        );
    }

    #[test]
    fn another_providers_messages_are_never_this_ones() {
        let mut side = PageSide {
            login: true,
            restoring: true,
            renewing: true,
            hello: true,
            signing_out: None,
            just_welcomed: false,
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
            },
            ToPage::Failed {
                provider: Some("shop".into()),
                message: "no".into(),
                ends_session: true,
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
