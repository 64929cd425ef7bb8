//! What a page does with the worker's first answer, and how it keeps the worker alive.
//!
//! The worker's memory is the only place the tokens live, and the browser takes it
//! away: it stops an idle worker (about 30 s without an event in Chromium and Firefox),
//! and a new deploy's worker replaces the old one with empty memory. Neither may leave
//! a page half signed in:
//! - while a page is open it sends a message every [`KEEP_ALIVE_MS`] (the library's
//!   page says hello each time, so a worker stopped anyway is noticed within a beat;
//!   [`ToWorker::KeepAlive`](super::protocol::ToWorker) only keeps one awake), an
//!   event that restarts the idle clock. Browsers slow the
//!   timers of hidden tabs (Chromium to once a minute after five minutes), so a worker
//!   may still be stopped under a background tab;
//! - a worker that answers with no session to a page that knew one lost its memory:
//!   the page signs in silently through it once per page load, and ends the session
//!   cleanly if that fails (it needs the provider's session cookie, which browsers
//!   that block third-party cookies keep from a frame: the top-level redirect then);
//! - a worker of another protocol or configuration ([`ToPage::Stale`], or a welcome of
//!   another protocol) is a deploy in the middle of taking over: the page reloads once
//!   onto it, never twice;
//! - no usable worker (none in Firefox's private windows, a registration refused, a
//!   worker still stale after the reload, an answer out of turn) is where a script in
//!   the page could push the app back to tokens it can read. So falling back to tokens
//!   in the page happens only when the configuration allows it; otherwise sign-in is
//!   unavailable, with the reason.

use super::protocol::{SessionView, ToPage, PROTOCOL};

/// How often an open page tells the worker it is there: under the 30 s after which
/// browsers stop an idle worker, with room for a busy main thread.
pub const KEEP_ALIVE_MS: u32 = 20_000;

/// Browsers stop a worker after about this long without an event.
const BROWSERS_IDLE_STOP_MS: u32 = 30_000;
// At most two thirds of the idle stop: a beat late by a busy page still lands in time.
const _: () = assert!(KEEP_ALIVE_MS * 3 <= BROWSERS_IDLE_STOP_MS * 2);

/// What the page does after its `hello`.
#[derive(Clone, Debug, PartialEq)]
pub enum PageStart {
    /// The worker holds this session (or none, and the page knew none).
    Proceed(Option<SessionView>),
    /// The worker lost its memory under a signed-in page: sign in silently through it.
    RestoreSilently,
    /// Another version of the worker: reload once.
    Reload,
    /// No usable worker, and the configuration allows it: keep the tokens in the page
    /// as without this mode (and say why in the console and in the app's state).
    FallBack(NoWorkerReason),
    /// No usable worker, and the configuration does not allow tokens in the page:
    /// sign-in is unavailable, for this reason.
    Unavailable(NoWorkerReason),
}

/// Why no worker holds the tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoWorkerReason {
    /// No answer: service workers are unavailable or the registration failed.
    #[error("the service worker did not answer (unavailable in this browser or window, or its registration failed)")]
    NoWorker,
    /// Still another version after a reload.
    #[error(
        "the service worker still runs another version after a reload: tokens are kept in the page"
    )]
    StillStale,
    /// The first answer was not a welcome.
    #[error("the service worker answered out of turn")]
    OutOfTurn,
}

/// Where the page stands when the worker's first answer comes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageLoad {
    /// The page's hint says it was signed in.
    pub knew_session: bool,
    /// This load is the reload for a stale worker.
    pub reloaded_for_stale: bool,
    /// This load already restored a session silently through the worker.
    pub restored: bool,
    /// The configuration allows tokens in the page when no worker can hold them.
    pub fallback_allowed: bool,
}

/// The step of a provider's context (its storage prefix `provider`) after its
/// `hello`: `answer` is the worker's first message to it (`None` when none came in
/// time). The page hands each provider's context the messages naming it; one naming
/// another provider here is out of turn.
pub fn page_start(provider: &str, answer: Option<ToPage>, page: PageLoad) -> PageStart {
    let no_worker = |reason| {
        if page.fallback_allowed {
            PageStart::FallBack(reason)
        } else {
            PageStart::Unavailable(reason)
        }
    };
    let stale = || {
        if page.reloaded_for_stale {
            no_worker(NoWorkerReason::StillStale)
        } else {
            PageStart::Reload
        }
    };
    match answer {
        None => no_worker(NoWorkerReason::NoWorker),
        Some(ToPage::Stale { provider: named }) if named == provider => stale(),
        Some(ToPage::Welcome {
            protocol,
            provider: named,
            session,
        }) if named == provider => {
            if protocol != PROTOCOL {
                stale()
            } else if session.is_none() && page.knew_session && !page.restored {
                PageStart::RestoreSilently
            } else {
                PageStart::Proceed(session)
            }
        }
        Some(_) => no_worker(NoWorkerReason::OutOfTurn),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "app";

    fn welcome(session: Option<SessionView>) -> Option<ToPage> {
        Some(ToPage::Welcome {
            protocol: PROTOCOL,
            provider: APP.into(),
            session,
        })
    }

    fn session() -> SessionView {
        SessionView {
            claims: serde_json::Map::new(),
            expires_at_ms: 1,
            scope: None,
            renewable: false,
            dpop_jkt: None,
        }
    }

    const SIGNED_IN: PageLoad = PageLoad {
        knew_session: true,
        reloaded_for_stale: false,
        restored: false,
        fallback_allowed: false,
    };

    #[test]
    fn a_worker_holding_the_session_hands_it_over() {
        for page in [SIGNED_IN, PageLoad::default()] {
            assert_eq!(
                page_start(APP, welcome(Some(session())), page),
                PageStart::Proceed(Some(session()))
            );
        }
        assert_eq!(
            page_start(APP, welcome(None), PageLoad::default()),
            PageStart::Proceed(None)
        );
    }

    #[test]
    fn a_worker_that_lost_its_memory_is_restored_silently_once_per_load() {
        assert_eq!(
            page_start(APP, welcome(None), SIGNED_IN),
            PageStart::RestoreSilently
        );
        let restored = PageLoad {
            restored: true,
            ..SIGNED_IN
        };
        assert_eq!(
            page_start(APP, welcome(None), restored),
            PageStart::Proceed(None)
        );
    }

    #[test]
    fn a_stale_worker_or_a_welcome_of_another_protocol_gets_one_reload_and_never_a_loop() {
        let other_protocol = Some(ToPage::Welcome {
            protocol: PROTOCOL + 1,
            provider: APP.into(),
            session: Some(session()),
        });
        let stale = Some(ToPage::Stale {
            provider: APP.into(),
        });
        for answer in [stale, other_protocol] {
            assert_eq!(
                page_start(APP, answer.clone(), SIGNED_IN),
                PageStart::Reload
            );
            let reloaded = PageLoad {
                reloaded_for_stale: true,
                ..SIGNED_IN
            };
            assert_eq!(
                page_start(APP, answer, reloaded),
                PageStart::Unavailable(NoWorkerReason::StillStale)
            );
        }
    }

    #[test]
    fn without_a_usable_worker_tokens_go_to_the_page_only_when_the_configuration_allows() {
        let allowed = PageLoad {
            fallback_allowed: true,
            ..SIGNED_IN
        };
        for (answer, reason) in [
            (None, NoWorkerReason::NoWorker),
            (
                Some(ToPage::SignedOut {
                    provider: APP.into(),
                }),
                NoWorkerReason::OutOfTurn,
            ),
            // Another provider's welcome or staleness: never taken for this one's.
            (
                Some(ToPage::Welcome {
                    protocol: PROTOCOL,
                    provider: "shop".into(),
                    session: Some(session()),
                }),
                NoWorkerReason::OutOfTurn,
            ),
            (
                Some(ToPage::Stale {
                    provider: "shop".into(),
                }),
                NoWorkerReason::OutOfTurn,
            ),
        ] {
            assert_eq!(
                page_start(APP, answer.clone(), SIGNED_IN),
                PageStart::Unavailable(reason)
            );
            assert_eq!(
                page_start(APP, answer, allowed),
                PageStart::FallBack(reason)
            );
        }
    }
}
