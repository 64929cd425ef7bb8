//! The protocol core of a browser-side OpenID Connect client: the Authorization Code
//! Flow with PKCE (RFC 7636), the ID token checks of OpenID Connect Core 3.1.3.7, what
//! a refresh answer means, which failures end a session, logout targets, renewal
//! schedules and DPoP (RFC 9449) proofs, as plain Rust.
//!
//! No browser and no UI framework here: time and randomness come in as arguments, the
//! host (a page, a service worker, a test) fetches, stores and signs, and feeds the
//! answers to these rules. Every rule has a native test. `leptos-pkce-auth` is the
//! Leptos library on top; a Yew or Dioxus client, or a native test harness, can build
//! on this crate alone.
//!
//! The modules follow a login through the protocol:
//!
//! | module | what it is about |
//! |---|---|
//! | [`config`] | the client's configuration, and the names it stores under |
//! | [`provider`] | the provider's metadata (discovery) and the errors it reports |
//! | [`authorization`] | PKCE, the `/authorize` URL, pushed authorization requests, the login transaction, where a login returns, step-up |
//! | [`callback`] | the provider's answer at `redirect_uri`, checked before the code is spent |
//! | [`token`] | the token request and answer, access tokens per API, refresh rules |
//! | [`id_token`] | the JWT, the key set and the claim checks |
//! | [`session`] | the signed-in session, renewal schedules, silent sign-in, logout, userinfo, events between tabs |
//! | [`mediation`] | the service-worker mode: which requests get a token, which are refused |
//! | [`dpop`] | proof-of-possession: the key's JWK and thumbprint, proof claims, nonces |
//! | [`secret`], [`form`] | secrets that never print, and form encoding |
//! | [`error`], [`browser_error`] | why a step failed, and what that means for the session |

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod authorization;
pub mod browser_error;
pub mod callback;
pub mod config;
pub mod dpop;
pub mod error;
pub mod form;
pub mod id_token;
mod json_object;
pub mod mediation;
pub mod provider;
pub mod secret;
pub mod session;
pub mod token;

pub use browser_error::BrowserError;
pub use error::ProtocolError;
