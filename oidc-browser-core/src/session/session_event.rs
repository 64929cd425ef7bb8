//! What one tab of the app tells the others, and what a tab does when it hears it.

/// An event in one tab that the app's other tabs must follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEvent {
    /// The user signed out.
    SignedOut,
    /// A login finished for the user `sub`.
    SignedIn(String),
}

const SIGNED_OUT: &str = "signed-out";
const SIGNED_IN: &str = "signed-in:";

impl SessionEvent {
    /// The message's text on the channel.
    pub fn to_message(&self) -> String {
        match self {
            Self::SignedOut => SIGNED_OUT.to_owned(),
            Self::SignedIn(sub) => format!("{SIGNED_IN}{sub}"),
        }
    }

    /// The event a message carries; `None` for anything else.
    pub fn parse(message: &str) -> Option<Self> {
        if message == SIGNED_OUT {
            return Some(Self::SignedOut);
        }
        let sub = message.strip_prefix(SIGNED_IN)?;
        (!sub.is_empty() && sub.len() <= 255).then(|| Self::SignedIn(sub.to_owned()))
    }
}

/// What a tab does when it hears `event` while `signed_in_as` (its session's user).
#[derive(Debug, PartialEq, Eq)]
pub enum Heard {
    /// Nothing: the event does not concern this tab's session.
    Nothing,
    /// Drop this tab's session: the user signed out elsewhere.
    SignOut,
    /// Drop this tab's session: another account signed in elsewhere, and the tokens
    /// kept from now on are that account's, not this session's.
    AccountSwitched,
}

/// The rule for [`Heard`]: a sign-out ends every tab's session; a sign-in ends the
/// sessions of other users only (the same user signing in again changes nothing).
pub fn on_heard(event: &SessionEvent, signed_in_as: Option<&str>) -> Heard {
    match (event, signed_in_as) {
        (SessionEvent::SignedOut, _) => Heard::SignOut,
        (SessionEvent::SignedIn(sub), Some(mine)) if sub != mine => Heard::AccountSwitched,
        (SessionEvent::SignedIn(_), _) => Heard::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_and_nothing_else_parses() {
        for event in [
            SessionEvent::SignedOut,
            SessionEvent::SignedIn("auth0|42".into()),
        ] {
            assert_eq!(SessionEvent::parse(&event.to_message()), Some(event));
        }
        for junk in ["", "signed-in:", "signed-out ", "hello", "SIGNED-OUT"] {
            assert_eq!(SessionEvent::parse(junk), None, "{junk:?}");
        }
        assert_eq!(
            SessionEvent::parse(&format!("signed-in:{}", "x".repeat(256))),
            None
        );
    }

    #[test]
    fn another_account_signing_in_ends_this_tabs_session_only_if_it_differs() {
        let bob = SessionEvent::SignedIn("bob".into());
        assert_eq!(on_heard(&bob, Some("alice")), Heard::AccountSwitched);
        assert_eq!(on_heard(&bob, Some("bob")), Heard::Nothing);
        assert_eq!(on_heard(&bob, None), Heard::Nothing);
        assert_eq!(
            on_heard(&SessionEvent::SignedOut, Some("alice")),
            Heard::SignOut
        );
        assert_eq!(on_heard(&SessionEvent::SignedOut, None), Heard::SignOut);
    }
}
