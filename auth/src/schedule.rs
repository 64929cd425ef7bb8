//! When to renew, and what to do when a renewal fails: pure rules over the session,
//! the error and the current time.

use super::error::AuthError;
use super::session::Session;

/// How long to wait before trying a failed renewal again.
pub const RETRY_MS: u64 = 15_000;

/// What to do after a renewal (or a restore after a reload) failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewalFailure {
    /// The session cannot go on ([`AuthError::ends_session`]): sign out here, forget
    /// any stored refresh token, and say why.
    EndSession,
    /// A passing failure while the access token is still good for longer than the
    /// wait: try again in this many milliseconds.
    RetryIn(u64),
    /// A passing failure too close to expiry to wait: keep the session; the next
    /// request for an access token tries again.
    RetryOnDemand,
    /// Restoring after a reload failed for a passing reason: nobody is signed in and
    /// the reason is shown; a stored refresh token is kept for the next load.
    NotRestored,
}

/// Milliseconds until the session should be renewed (now, if already due), or `None`
/// when it cannot be renewed (no refresh token).
pub fn renewal_delay_ms(session: &Session, now_ms: u64) -> Option<u64> {
    session.refresh_token.as_ref()?;
    Some(session.renew_at_ms().saturating_sub(now_ms))
}

/// What to do after a renewal of `session` (`None`: a restore) failed with `error`
/// at `now_ms`. One rule for renewals and restores, so the two cannot disagree.
pub fn after_renewal_failure(
    error: &AuthError,
    session: Option<&Session>,
    now_ms: u64,
) -> RenewalFailure {
    if error.ends_session() {
        return RenewalFailure::EndSession;
    }
    match session {
        None => RenewalFailure::NotRestored,
        Some(session) if session.expires_at_ms > now_ms.saturating_add(RETRY_MS) => {
            RenewalFailure::RetryIn(RETRY_MS)
        }
        Some(_) => RenewalFailure::RetryOnDemand,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::BrowserError;
    use crate::secret::RefreshToken;
    use crate::session::tests::session;

    fn network() -> AuthError {
        AuthError::Browser(BrowserError::Network("https://id.example".into()))
    }

    #[test]
    fn renewal_is_due_thirty_seconds_before_expiry() {
        let mut renewable = session(120, 0);
        assert_eq!(renewal_delay_ms(&renewable, 0), None, "no refresh token");
        renewable.refresh_token = Some(RefreshToken::new("rt".into()));
        assert_eq!(renewal_delay_ms(&renewable, 0), Some(90_000));
        assert_eq!(renewal_delay_ms(&renewable, 80_000), Some(10_000));
        assert_eq!(
            renewal_delay_ms(&renewable, 200_000),
            Some(0),
            "overdue: now"
        );
    }

    #[test]
    fn a_refused_renewal_or_restore_ends_the_session() {
        let live = session(120, 0);
        for error in [AuthError::SessionEnded, AuthError::SubjectChanged] {
            assert_eq!(
                after_renewal_failure(&error, Some(&live), 0),
                RenewalFailure::EndSession
            );
            assert_eq!(
                after_renewal_failure(&error, None, 0),
                RenewalFailure::EndSession,
                "restore follows the same rule"
            );
        }
    }

    #[test]
    fn a_passing_failure_retries_while_the_token_lasts() {
        let live = session(120, 0);
        assert_eq!(
            after_renewal_failure(&network(), Some(&live), 0),
            RenewalFailure::RetryIn(RETRY_MS)
        );
        assert_eq!(
            after_renewal_failure(&network(), Some(&live), 120_000 - RETRY_MS),
            RenewalFailure::RetryOnDemand
        );
        assert_eq!(
            after_renewal_failure(&network(), None, 0),
            RenewalFailure::NotRestored
        );
    }
}
