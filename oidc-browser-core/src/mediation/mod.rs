//! Token mediation by a service worker: the rules of the mode in which a worker on the
//! app's origin starts each login (it keeps the PKCE verifier), redeems the code,
//! refreshes, keeps the access and refresh tokens in its own memory, hands the page
//! only the verified claims, and adds the access token to the app's own API requests.
//!
//! What it protects: a token already issued. Script injected into the page can call
//! the APIs while the page is open, but cannot read a token or carry one away.
//! What it does not: such a script can still get fresh tokens of its own, by running a
//! login of its own in a frame or by sending the code it reads in the address bar at
//! the callback to its own server (a public client has no secret to stop that). It
//! narrows what an injection takes; it does not make one harmless.
//!
//! The worker and the page are the hosts; the decisions are here, as everywhere in this
//! crate: which origins a token may go to ([`api_origins`]) and what happens to each
//! request a page makes ([`request`]), and the messages the pages and the worker
//! exchange ([`protocol`]), and what a page does when the worker lost its memory or
//! is being replaced ([`lifecycle`]).
//!
//! Status: these rules are tested here, but no host runs them yet. The worker, its
//! registration by `leptos-pkce-auth` and the configuration that turns the mode on are
//! still being built, so no configuration can ask for this mode today.

pub mod api_origins;
pub mod lifecycle;
pub mod protocol;
pub mod request;

pub use api_origins::ApiOrigins;
pub use request::{MediationRules, PageRequest, RequestVerdict};
