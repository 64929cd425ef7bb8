//! What a page does with the worker's first answer, and how it keeps the worker alive.
//!
//! The worker's memory is the only place the tokens live, and the browser takes it
//! away: it stops an idle worker (about 30 s without an event in Chromium and Firefox),
//! and a new deploy's worker replaces the old one with empty memory. Neither may sign
//! the user out or leave a page half signed in:
//! - while a page is open it sends [`ToWorker::KeepAlive`](super::protocol::ToWorker)
//!   every [`KEEP_ALIVE_MS`], an event that restarts the idle clock;
//! - a worker that answers with no session to a page that knew one (the hint the page
//!   keeps says so) lost its memory: the page signs in silently through it, which the
//!   user does not notice, and ends the session cleanly if that fails;
//! - a worker of another protocol or configuration ([`ToPage::Stale`]) is a deploy in
//!   the middle of taking over: the page reloads once onto it, and never twice (a
//!   worker that stays stale falls back to tokens in the page, and says so);
//! - no answer (service workers unavailable, as in Firefox's private windows, or a
//!   registration refused) falls back to tokens in the page, and says so.

use super::protocol::{SessionView, ToPage};

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
    /// No usable worker: keep the tokens in the page as without this mode.
    FallBack(FallBackReason),
}

/// Why the page keeps its tokens itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FallBackReason {
    /// No answer: service workers are unavailable or the registration failed.
    #[error("the service worker did not answer (unavailable in this browser or window, or its registration failed): tokens are kept in the page")]
    NoWorker,
    /// Still another version after a reload.
    #[error(
        "the service worker still runs another version after a reload: tokens are kept in the page"
    )]
    StillStale,
    /// The first answer was not a welcome.
    #[error("the service worker answered out of turn: tokens are kept in the page")]
    OutOfTurn,
}

/// The page's step after its `hello`: `answer` is the worker's first message (`None`
/// when none came in time), `knew_session` whether the page's hint says it was signed
/// in, `reloaded_for_stale` whether this page load already is the reload for a stale
/// worker.
pub fn page_start(
    answer: Option<ToPage>,
    knew_session: bool,
    reloaded_for_stale: bool,
) -> PageStart {
    match answer {
        None => PageStart::FallBack(FallBackReason::NoWorker),
        Some(ToPage::Stale) if reloaded_for_stale => {
            PageStart::FallBack(FallBackReason::StillStale)
        }
        Some(ToPage::Stale) => PageStart::Reload,
        Some(ToPage::Welcome { session: None, .. }) if knew_session => PageStart::RestoreSilently,
        Some(ToPage::Welcome { session, .. }) => PageStart::Proceed(session),
        Some(_) => PageStart::FallBack(FallBackReason::OutOfTurn),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mediation::protocol::PROTOCOL;

    fn welcome(session: Option<SessionView>) -> Option<ToPage> {
        Some(ToPage::Welcome {
            protocol: PROTOCOL,
            session,
        })
    }

    fn session() -> SessionView {
        SessionView {
            claims: serde_json::Map::new(),
            expires_at_ms: 1,
            scope: None,
        }
    }

    #[test]
    fn a_worker_holding_the_session_hands_it_over() {
        assert_eq!(
            page_start(welcome(Some(session())), true, false),
            PageStart::Proceed(Some(session()))
        );
        assert_eq!(
            page_start(welcome(Some(session())), false, false),
            PageStart::Proceed(Some(session()))
        );
        assert_eq!(
            page_start(welcome(None), false, false),
            PageStart::Proceed(None)
        );
    }

    #[test]
    fn a_worker_that_lost_its_memory_under_a_signed_in_page_is_restored_silently() {
        assert_eq!(
            page_start(welcome(None), true, false),
            PageStart::RestoreSilently
        );
    }

    #[test]
    fn a_stale_worker_gets_one_reload_and_never_a_loop() {
        assert_eq!(
            page_start(Some(ToPage::Stale), true, false),
            PageStart::Reload
        );
        assert_eq!(
            page_start(Some(ToPage::Stale), true, true),
            PageStart::FallBack(FallBackReason::StillStale)
        );
    }

    #[test]
    fn no_answer_or_an_answer_out_of_turn_falls_back_to_the_page() {
        assert_eq!(
            page_start(None, true, false),
            PageStart::FallBack(FallBackReason::NoWorker)
        );
        assert_eq!(
            page_start(Some(ToPage::SignedOut), true, false),
            PageStart::FallBack(FallBackReason::OutOfTurn)
        );
    }
}
