//! The logins this tab finished, kept a while by their `state`: a provider that
//! replays its login when the Back button returns to its page (Auth0 and Keycloak do)
//! sends the browser back to the callback with a new code and a spent `state`. That
//! answer is never redeemed (its transaction is gone, as it must be), but it is not
//! an attack either: the tab recovers by a silent sign-in to where the login landed,
//! instead of showing "this sign-in response does not match" to a user whose provider
//! session is open (auth0-spa-js #359, #1015).

use crate::authorization::return_to::ReturnTo;

/// How long a finished login's `state` is recognised: an hour.
pub const SPENT_FOR_MS: u64 = 60 * 60 * 1000;

/// The most states kept (the oldest goes first).
pub const MAX_SPENT: usize = 8;

/// A login this tab finished: its `state` and where it landed.
#[derive(Debug, Clone, PartialEq)]
struct Spent {
    state: String,
    return_to: ReturnTo,
    at_ms: u64,
}

/// The states of logins this tab finished in the last hour.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SpentLogins(Vec<Spent>);

impl SpentLogins {
    /// Reads the stored list; anything unreadable (or a member of the wrong shape) is
    /// left out: the worst outcome is the error a replay showed before.
    pub fn from_json(text: &str, now_ms: u64) -> Self {
        let Ok(serde_json::Value::Array(items)) = serde_json::from_str(text) else {
            return Self::default();
        };
        let read = |item: &serde_json::Value| {
            let state = item.get("state")?.as_str()?;
            let return_to = ReturnTo::parse(item.get("return_to")?.as_str()?).ok()?;
            let at_ms = item.get("at")?.as_u64()?;
            (!state.is_empty() && state.len() <= 512).then(|| Spent {
                state: state.to_owned(),
                return_to,
                at_ms,
            })
        };
        let mut spent = Self(items.iter().filter_map(read).collect());
        spent.forget_old(now_ms);
        spent
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        let items: Vec<serde_json::Value> = self
            .0
            .iter()
            .map(|s| serde_json::json!({ "state": s.state, "return_to": s.return_to.as_str(), "at": s.at_ms }))
            .collect();
        serde_json::Value::Array(items).to_string()
    }

    /// Adds a login finished at `now_ms` with `state`, that landed at `return_to`.
    pub fn insert(&mut self, state: &str, return_to: ReturnTo, now_ms: u64) {
        self.forget_old(now_ms);
        self.0.retain(|s| s.state != state);
        self.0.push(Spent {
            state: state.to_owned(),
            return_to,
            at_ms: now_ms,
        });
        let excess = self.0.len().saturating_sub(MAX_SPENT);
        self.0.drain(..excess);
    }

    /// Where the finished login of `state` landed, when this tab finished one with it
    /// in the last hour.
    pub fn find(&self, state: &str, now_ms: u64) -> Option<ReturnTo> {
        self.0
            .iter()
            .find(|s| {
                s.state == state
                    && now_ms.saturating_sub(s.at_ms) < SPENT_FOR_MS
                    && s.at_ms <= now_ms
            })
            .map(|s| s.return_to.clone())
    }

    /// True when this tab finished a login at `since_ms` or later (a page that left for
    /// the provider then, and comes back from the back/forward cache, may find a
    /// session made meanwhile in another page of the tab).
    pub fn finished_since(&self, since_ms: u64) -> bool {
        self.0.iter().any(|s| s.at_ms >= since_ms)
    }

    fn forget_old(&mut self, now_ms: u64) {
        self.0
            .retain(|s| s.at_ms <= now_ms && now_ms - s.at_ms < SPENT_FOR_MS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to(path: &str) -> ReturnTo {
        ReturnTo::parse(path).unwrap()
    }

    #[test]
    fn a_finished_login_is_recognised_for_an_hour_and_round_trips() {
        let mut spent = SpentLogins::default();
        spent.insert("st-1", to("/profile?tab=claims"), 1_000);
        let stored = SpentLogins::from_json(&spent.to_json(), 2_000);
        assert_eq!(stored.find("st-1", 2_000), Some(to("/profile?tab=claims")));
        assert_eq!(stored.find("st-2", 2_000), None);
        assert_eq!(
            stored.find("st-1", 1_000 + SPENT_FOR_MS),
            None,
            "an hour later"
        );
        assert_eq!(
            SpentLogins::from_json(&spent.to_json(), 1_000 + SPENT_FOR_MS),
            SpentLogins::default(),
            "old ones are dropped when read"
        );
        assert_eq!(stored.find("st-1", 500), None, "not from the future");
    }

    #[test]
    fn a_login_finished_since_a_moment_is_told_apart() {
        let mut spent = SpentLogins::default();
        assert!(!spent.finished_since(0));
        spent.insert("st-1", to("/"), 1_000);
        assert!(spent.finished_since(1_000));
        assert!(spent.finished_since(500));
        assert!(!spent.finished_since(1_001));
    }

    #[test]
    fn at_most_eight_are_kept_the_oldest_going_first() {
        let mut spent = SpentLogins::default();
        for i in 0..10u64 {
            spent.insert(&format!("st-{i}"), to("/"), 1_000 + i);
        }
        assert_eq!(spent.find("st-0", 1_100), None);
        assert_eq!(spent.find("st-1", 1_100), None);
        assert_eq!(spent.find("st-2", 1_100), Some(to("/")));
        assert_eq!(spent.find("st-9", 1_100), Some(to("/")));
    }

    #[test]
    fn unreadable_or_foreign_values_read_as_nothing() {
        for text in [
            "",
            "{}",
            "[1]",
            r#"[{"state":"s","return_to":"https://evil.example/","at":1}]"#,
            r#"[{"state":"","return_to":"/","at":1}]"#,
            r#"[{"state":"s","return_to":"/","at":"1"}]"#,
        ] {
            assert_eq!(
                SpentLogins::from_json(text, 10).find("s", 10),
                None,
                "{text}"
            );
        }
    }
}
