//! leptos-pkce: a Leptos single-page app that signs users in with Auth0 or any OpenID
//! Connect provider through the Authorization Code Flow with PKCE.
//!
//! `auth` is the reusable module; `app`, `components` and `pages` are the UI.

pub mod auth;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod pages;
