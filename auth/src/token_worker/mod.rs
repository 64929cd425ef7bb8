//! The service worker of the token-mediation mode (feature `token-worker`): the host
//! of `oidc_browser_core::mediation`'s rules. It reads the app's `config.json` itself,
//! starts each login (the PKCE verifier never reaches a page), takes the callback's
//! navigation and redeems the code before any page loads, verifies the ID token with
//! the same code as the page mode, keeps the tokens in its memory, hands pages only
//! the claims, and attaches the access token to the listed APIs' requests.
//!
//! Built into its own module by the `leptos-pkce-token-worker` crate, whose script
//! (`token-worker.js`) registers the event handlers and hands each event here.
//!
//! Races, and what settles each:
//! - one `state` redeemed twice (two navigations to one callback): [`transactions`]
//!   claims it in memory before its first `await`;
//! - a sign-out while a login is being redeemed or a session renewed: each
//!   provider's `generation` is bumped at sign-out, and a login or renewal that finds
//!   it changed keeps nothing;
//! - two renewals at once (two tabs, two requests): [`renew`] shares the one in
//!   flight per provider;
//! - a page's message before the configuration is read: every handler awaits
//!   [`served::ready`] first, and requests then wait too;
//! - a DPoP key and the tokens bound to it: the key is made for a login and kept in
//!   the provider's [`served::Served`] beside its session, replaced only with it, so
//!   a request or renewal reads token and key from one session in one step.

mod attach;
mod callback;
mod error;
mod messages;
mod pages;
mod renew;
mod requests;
mod revocation;
mod served;
mod transactions;

pub use error::WorkerError;
pub use messages::on_message;
pub use requests::{decide, respond, Decision};
pub use served::ready;
