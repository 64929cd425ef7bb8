//! Whose login the callback page finishes, for the `failed` views of
//! `HandleCallback` and [`crate::FinishLogin`].

use leptos::prelude::*;

use super::Auth;

thread_local! {
    /// The provider whose login the callback page finishes (or failed to), set by
    /// `HandleCallback` and [`crate::FinishLogin`] for their `failed` views. Not a
    /// context value: it is asked for below those components, where any context would
    /// shadow the default `Auth`, and a second context type costs the equal page about
    /// 0.7 KB of wasm (measured with twiggy).
    static CALLBACK_AUTH: std::cell::Cell<Option<Auth>> = const { std::cell::Cell::new(None) };
}

/// Records whose login the callback page shows ([`use_callback_auth`]): `took` when
/// this mount took the login, which then wins over any other mount's; forgotten when
/// the mount goes, so a rebuilt tree never reads a disposed context.
pub(crate) fn set_callback_auth(auth: Auth, took: bool) {
    CALLBACK_AUTH.with(|c| {
        if took || c.get().is_none() {
            c.set(Some(auth));
        }
    });
    on_cleanup(|| CALLBACK_AUTH.with(|c| c.set(None)));
}

/// The auth context of the provider whose login this callback page finishes or
/// failed to finish, for a `failed` view of `HandleCallback` or `FinishLogin` (its
/// error, its "Try again"); the default provider's where none was asked.
pub fn use_callback_auth() -> Auth {
    CALLBACK_AUTH
        .with(std::cell::Cell::get)
        .unwrap_or_else(super::use_auth)
}
