//! When to renew, and what to do when a renewal fails: pure rules over the session,
//! the error and the current time.

use crate::error::ProtocolError;
use crate::session::Session;

/// How long to wait before trying a failed renewal again the first time; each
/// further failure doubles it, up to [`MAX_RETRY_MS`].
pub const RETRY_MS: u64 = 15_000;

/// The longest wait between retries of a failing renewal.
pub const MAX_RETRY_MS: u64 = 5 * 60 * 1000;

/// The shortest wait before a scheduled renewal: a provider handing out tokens that
/// live a second (or none) must not get a request storm.
pub const MIN_RENEWAL_DELAY_MS: u64 = 5_000;

/// What to do after a renewal (or a restore after a reload) failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewalFailure {
    /// The session cannot go on ([`ProtocolError::ends_session`]): sign out here, forget
    /// any stored refresh token, and say why.
    EndSession,
    /// A passing failure while the access token is still good for longer than the
    /// wait: try again in this many milliseconds (backing off).
    RetryIn(u64),
    /// A passing failure too close to expiry to wait: keep the session; the next
    /// request for an access token tries again.
    RetryOnDemand,
    /// Restoring after a reload failed for a passing reason: nobody is signed in and
    /// the reason is shown; a stored refresh token is kept for the next load.
    NotRestored,
    /// Restoring after a reload got tokens but no ID token (providers need not send
    /// one on refresh): who is signed in is learnt by a silent sign-in instead, and the
    /// rotated refresh token stays kept.
    SignInSilently,
}

/// Milliseconds until the session should be renewed (with its refresh token, or by a
/// silent sign-in), never less than [`MIN_RENEWAL_DELAY_MS`].
pub fn renewal_delay_ms(session: &Session, now_ms: u64) -> u64 {
    session
        .renew_at_ms()
        .saturating_sub(now_ms)
        .max(MIN_RENEWAL_DELAY_MS)
}

/// The wait before retry number `attempt` (0 for the first) of a failing renewal.
pub fn retry_delay_ms(attempt: u32) -> u64 {
    RETRY_MS
        .saturating_mul(1u64 << attempt.min(16))
        .min(MAX_RETRY_MS)
}

/// What to do after a renewal of `session` (`None`: a restore) failed with `error`
/// at `now_ms`, after `failures` earlier failures in a row. One rule for renewals and
/// restores, so the two cannot disagree.
///
/// `error` is `None` for a failure outside the protocol (the network, storage, a
/// frame that did not answer): it never ends a session.
pub fn after_renewal_failure(
    error: Option<&ProtocolError>,
    session: Option<&Session>,
    failures: u32,
    now_ms: u64,
) -> RenewalFailure {
    let missing_id_token = matches!(
        error,
        Some(ProtocolError::Token(
            crate::token::TokenError::MissingIdToken
        ))
    );
    if session.is_none() && missing_id_token {
        return RenewalFailure::SignInSilently;
    }
    if error.is_some_and(ProtocolError::ends_session) {
        return RenewalFailure::EndSession;
    }
    let wait = retry_delay_ms(failures);
    match session {
        None => RenewalFailure::NotRestored,
        Some(session) if session.expires_at_ms > now_ms.saturating_add(wait) => {
            RenewalFailure::RetryIn(wait)
        }
        Some(_) => RenewalFailure::RetryOnDemand,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browser_error::BrowserError;
    use crate::provider::discovery::MetadataError;
    use crate::session::tests::session;

    #[test]
    fn a_restore_without_an_id_token_asks_who_by_a_silent_sign_in() {
        let missing = ProtocolError::Token(crate::token::TokenError::MissingIdToken);
        assert_eq!(
            after_renewal_failure(Some(&missing), None, 0, 0),
            RenewalFailure::SignInSilently
        );
        assert_eq!(
            after_renewal_failure(Some(&missing), Some(&session(60, 0)), 0, 0),
            RenewalFailure::EndSession,
            "a live session's refresh without an ID token is another matter (accept_refresh keeps it)"
        );
    }

    fn network() -> ProtocolError {
        ProtocolError::Metadata(MetadataError::Browser(BrowserError::Network(
            "https://id.example".into(),
        )))
    }

    #[test]
    fn renewal_is_due_thirty_seconds_before_expiry() {
        let renewable = session(120, 0);
        assert_eq!(renewal_delay_ms(&renewable, 0), 90_000);
        assert_eq!(renewal_delay_ms(&renewable, 80_000), 10_000);
        assert_eq!(
            renewal_delay_ms(&renewable, 200_000),
            MIN_RENEWAL_DELAY_MS,
            "overdue: soon, never in a loop"
        );
    }

    #[test]
    fn short_lived_tokens_get_a_floor_not_a_storm() {
        for expires_in in [0, 1, 4, 10] {
            let short = session(expires_in, 0);
            let delay = renewal_delay_ms(&short, 0);
            assert!(delay >= MIN_RENEWAL_DELAY_MS, "{expires_in} s: {delay} ms");
        }
    }

    #[test]
    fn retries_back_off_to_a_cap() {
        assert_eq!(retry_delay_ms(0), 15_000);
        assert_eq!(retry_delay_ms(1), 30_000);
        assert_eq!(retry_delay_ms(2), 60_000);
        assert_eq!(retry_delay_ms(5), MAX_RETRY_MS);
        assert_eq!(retry_delay_ms(u32::MAX), MAX_RETRY_MS);
        let live = session(3600, 0);
        assert_eq!(
            after_renewal_failure(Some(&network()), Some(&live), 2, 0),
            RenewalFailure::RetryIn(60_000)
        );
    }

    #[test]
    fn a_refused_renewal_or_restore_ends_the_session() {
        let live = session(120, 0);
        for error in [ProtocolError::SessionEnded, ProtocolError::SubjectChanged] {
            assert_eq!(
                after_renewal_failure(Some(&error), Some(&live), 0, 0),
                RenewalFailure::EndSession
            );
            assert_eq!(
                after_renewal_failure(Some(&error), None, 0, 0),
                RenewalFailure::EndSession,
                "restore follows the same rule"
            );
        }
    }

    #[test]
    fn a_passing_failure_retries_while_the_token_lasts() {
        let live = session(120, 0);
        assert_eq!(
            after_renewal_failure(Some(&network()), Some(&live), 0, 0),
            RenewalFailure::RetryIn(RETRY_MS)
        );
        assert_eq!(
            after_renewal_failure(Some(&network()), Some(&live), 0, 120_000 - RETRY_MS),
            RenewalFailure::RetryOnDemand
        );
        assert_eq!(
            after_renewal_failure(Some(&network()), None, 0, 0),
            RenewalFailure::NotRestored
        );
    }
}
