//! Several providers side by side in one app: one auth context each, the default one
//! reached with `use_auth()`, the others by name.

use std::sync::Arc;

use leptos::prelude::*;

use super::{start_auth, Auth};
use crate::browser::{http, pending_login};
use oidc_browser_core::config::providers::ProviderConfigs;

/// The app's providers, by name (`None` for the default one). A context value:
/// [`provide_auths`] provides it, [`use_named_auth`] reads it.
#[derive(Clone)]
pub struct AuthProviders {
    all: Arc<[(Option<String>, Auth)]>,
}

impl AuthProviders {
    /// The context of the provider named `name`; `None` names the default one.
    pub fn get(&self, name: Option<&str>) -> Option<Auth> {
        self.all
            .iter()
            .find(|(n, _)| n.as_deref() == name)
            .map(|(_, auth)| *auth)
    }

    /// Every provider's context, the default one first, with its name.
    pub fn all(&self) -> impl Iterator<Item = (Option<&str>, Auth)> + '_ {
        self.all.iter().map(|(name, auth)| (name.as_deref(), *auth))
    }
}

/// Creates one auth context per provider of `configs` and provides them: the default
/// one as [`crate::provide_auth`] does (so `use_auth()` and the components without a
/// `provider` find it), and all of them by name ([`use_named_auth`]). Each keeps its
/// own session, storage, lock, channel, refresh token and DPoP key under its storage
/// prefix; a sign-out of one leaves the others signed in. They may share one callback
/// path: a login's transaction says whose it is, and only that context finishes it.
///
/// All providers are registered before any context is made, so none takes another's
/// login for a stale one. Requests may take the longest of their `http_timeout_secs`.
pub fn provide_auths(configs: ProviderConfigs) -> AuthProviders {
    pending_login::register_page_providers(
        configs.page_providers(),
        Some(pending_login::read_clues),
    );
    let (default, named) = configs.into_parts();
    let longest = named
        .iter()
        .map(|(_, config)| config.http_timeout_secs)
        .fold(default.http_timeout_secs, u32::max);
    http::set_timeout_secs(longest);
    let default = start_auth(default);
    let all: Vec<_> = std::iter::once((None, default))
        .chain(
            named
                .into_iter()
                .map(|(name, config)| (Some(name), start_auth(config))),
        )
        .collect();
    let providers = AuthProviders { all: all.into() };
    provide_context(default);
    provide_context(providers.clone());
    providers
}

/// The auth context of the provider named `name` in `config.json`'s `providers`.
///
/// # Panics
/// When no provider has that name, or outside the tree under [`provide_auths`]: a
/// wiring mistake.
pub fn use_named_auth(name: &str) -> Auth {
    use_context::<AuthProviders>()
        .expect("use_named_auth() needs provide_auths() in a parent component")
        .get(Some(name))
        .unwrap_or_else(|| panic!("no provider is named `{name}` in config.json's providers"))
}

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

/// The context of `name` when given, else the default one: what a component with an
/// optional `provider` property guards or finishes for.
#[cfg(feature = "router")]
pub(crate) fn auth_for(name: Option<&str>) -> Auth {
    match name {
        Some(name) => use_named_auth(name),
        None => super::use_auth(),
    }
}

/// Every provider's context: the page's providers, or the default one alone.
pub(crate) fn every_auth() -> Vec<Auth> {
    match use_context::<AuthProviders>() {
        Some(providers) => providers.all().map(|(_, auth)| auth).collect(),
        None => vec![super::use_auth()],
    }
}
