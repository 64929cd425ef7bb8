//! Sign-in with the OAuth 2.0 Authorization Code Flow with PKCE and OpenID Connect.
//!
//! The protocol core (every module but `browser`) is plain Rust: no browser, Leptos or
//! network types, time and randomness passed in, so it is tested natively.

pub mod authorize;
pub mod callback;
pub mod claims;
pub mod config;
pub mod discovery;
pub mod form;
pub mod jwks;
pub mod jwt;
pub mod logout;
pub mod pkce;
pub mod provider_error;
pub mod return_to;
pub mod secret;
pub mod session;
pub mod token;
pub mod transaction;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod context;
