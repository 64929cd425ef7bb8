//! leptos-pkce: a Leptos single-page app that signs users in with Auth0 or any OpenID
//! Connect provider through the Authorization Code Flow with PKCE, using the
//! `leptos-pkce-auth` library exactly as any other app would.
//!
//! `config` is the app's configuration (pure, tested natively) and `config_load` its one
//! loading from `/config.json`; `settings` the app's own fields as a context; `app`,
//! `components` and `pages` are the UI.

pub mod config;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod config_load;
#[cfg(target_arch = "wasm32")]
pub mod pages;
#[cfg(target_arch = "wasm32")]
pub mod settings;
