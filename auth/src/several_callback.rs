//! Finishing the login at a callback path that several providers of the page share
//! (`provide_auths`): reached only through the function pointer `provide_auths`
//! registers, so an app with one provider links none of it.

use std::rc::Rc;

use leptos::prelude::*;

use crate::context::auth_providers::listed_auths;
use crate::context::callback_auth::set_callback_auth;
use crate::context::Auth;
use crate::finish_login::finish_pending_login;
#[cfg(feature = "router")]
use crate::finish_login::several_providers;

/// `finish_every_pending_login` on a page with several providers: each may take the
/// login (only the callback's owner does). Gives the provider that took it, else the
/// first whose callback path is `here`, else the default one; `None` without
/// `provide_auths` in context.
pub(crate) fn finish_among_several(
    here: &str,
    go: Rc<dyn Fn(&str)>,
) -> Option<(Auth, RwSignal<bool>)> {
    let auths = listed_auths()?;
    let mut taken = None;
    let mut nothing_to_finish = None;
    for auth in &auths {
        let go = go.clone();
        let ready = finish_pending_login(*auth, move |to| go(to));
        if ready.get_untracked() {
            nothing_to_finish = Some(ready);
        } else {
            taken = Some((*auth, ready));
        }
    }
    let took = taken.is_some();
    let (auth, ready) = match taken {
        Some(taken) => taken,
        // Nobody took a login: every provider's signal is already true.
        None => {
            let shown = auths
                .iter()
                .copied()
                .find(|a| a.config().callback_path() == here)
                .or_else(|| auths.first().copied())?;
            (shown, nothing_to_finish?)
        }
    };
    set_callback_auth(auth, took);
    Some((auth, ready))
}

/// Every provider's context: the page's providers, or the default one alone.
#[cfg(feature = "router")]
pub(crate) fn every_auth() -> Vec<Auth> {
    several_providers()
        .and_then(|_| listed_auths())
        .unwrap_or_else(|| vec![crate::context::use_auth()])
}
