//! The providers of an app with several ([`crate::provide_auths`]): their contexts by
//! name, as the components and the app reach them.

use std::sync::Arc;

use leptos::prelude::*;

use super::Auth;

/// The app's providers, by name (`None` for the default one). A context value:
/// [`crate::provide_auths`] provides it, [`use_named_auth`] reads it.
#[derive(Clone)]
pub struct AuthProviders {
    all: Arc<[(Option<String>, Auth)]>,
}

impl AuthProviders {
    /// The providers `all` holds, the default one (named `None`) first.
    pub(crate) fn new(all: Vec<(Option<String>, Auth)>) -> Self {
        Self { all: all.into() }
    }

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

/// The auth context of the provider named `name` in `config.json`'s `providers`.
///
/// # Panics
/// When no provider has that name, or outside the tree under [`crate::provide_auths`]: a
/// wiring mistake.
pub fn use_named_auth(name: &str) -> Auth {
    use_context::<AuthProviders>()
        .expect("use_named_auth() needs provide_auths() in a parent component")
        .get(Some(name))
        .unwrap_or_else(|| panic!("no provider is named `{name}` in config.json's providers"))
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

/// The contexts of the [`AuthProviders`] in context, if any.
pub(crate) fn listed_auths() -> Option<Vec<Auth>> {
    use_context::<AuthProviders>().map(|providers| providers.all().map(|(_, auth)| auth).collect())
}
