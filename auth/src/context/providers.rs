//! Several providers side by side in one app: one auth context each, the default one
//! reached with `use_auth()`, the others by name.

use leptos::prelude::*;

use super::auth_providers::AuthProviders;
use super::start_auth;
use crate::browser::{http, shared_callback};
use crate::finish_login::finish_among_several_with;
use crate::several_callback::finish_among_several;
use oidc_browser_core::config::providers::ProviderConfigs;

/// Creates one auth context per provider of `configs` and provides them: the default
/// one as [`crate::provide_auth`] does (so `use_auth()` and the components without a
/// `provider` find it), and all of them by name ([`crate::use_named_auth`]). Each keeps its
/// own session, storage, lock, channel, refresh token and DPoP key under its storage
/// prefix; a sign-out of one leaves the others signed in. They may share one callback
/// path: a login's transaction says whose it is, and only that context finishes it.
///
/// All providers are registered before any context is made, so none takes another's
/// login for a stale one. Requests may take the longest of their `http_timeout_secs`.
/// Call it instead of [`crate::provide_auth`], never beside it: a page's providers are
/// those of its last `provide_auth` or `provide_auths` (a tree mounted with one while
/// another is alive would make the earlier's callbacks the later's).
pub fn provide_auths(configs: ProviderConfigs) -> AuthProviders {
    shared_callback::register(configs.page_providers());
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
    let providers = AuthProviders::new(all);
    finish_among_several_with(finish_among_several);
    provide_context(default);
    provide_context(providers.clone());
    providers
}
