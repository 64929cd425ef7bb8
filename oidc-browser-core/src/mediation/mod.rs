//! Token mediation by a service worker: the rules of the mode in which a worker on the
//! app's origin starts each login (it keeps the PKCE verifier), redeems the code,
//! refreshes, keeps the access and refresh tokens in its own memory, hands the page
//! only the verified claims, and adds the access token to the app's own API requests.
//!
//! What it protects: a token already issued. Script injected into the page can call
//! the APIs while the page is open, but cannot read a token or carry one away.
//! What it does not: such a script can still get fresh tokens of its own, by running a
//! login of its own in a window the worker does not control, or (until the worker takes
//! the callback's navigation, below) by sending the code it reads in the address bar
//! at the callback to its own server: a public client has no secret to stop that. It
//! narrows what an injection takes; it does not make one harmless.
//!
//! The worker and the page are the hosts; the decisions are here, as everywhere in this
//! crate: which origins a token may go to ([`api_origins`]) and what happens to each
//! request a page makes ([`request`]; among several providers, [`several`]), and the messages the pages and the worker
//! exchange ([`protocol`]), and what a page does when the worker lost its memory or
//! is being replaced ([`lifecycle`]).
//!
//! How the worker will be built (decided and measured; see the status below):
//! - In Rust on this crate, not in a script: the worker verifies ID tokens, checks
//!   callbacks and reads refresh answers, and these rules are the ones already tested
//!   and fuzzed here. A worker of these rules and WebCrypto glue (callback check, code
//!   exchange, ID token verification, authorize URL, the request verdict, the
//!   messages) measured 190,030 bytes raw and 71,207 brotli after `wasm-opt -Oz`, with
//!   2,649 bytes brotli of wasm-bindgen glue (stable toolchain, std not rebuilt). It is
//!   fetched by the worker in the background, on no page's first load. A script would
//!   be smaller, but it would be a second implementation of every rule.
//! - The worker reads its configuration itself (the app's `config.json`, from its own
//!   origin), never from a page: the allow-list is what decides where a token goes, and
//!   a page's script must not be able to write it.
//! - A browser registers a worker's event handlers only while its script first runs,
//!   before any wasm can be ready: a small script registers them and hands each event
//!   to the wasm once it has loaded.
//! - The login transaction outlives a stopped worker (a user takes longer at the
//!   provider than a worker stays idle): the worker keeps it in IndexedDB, where it is
//!   no secret from the page's script. So the code must not reach the page's script
//!   either: the worker will take the callback's navigation and redeem the code
//!   before the page loads, and the page will get a clean address.
//!
//! Status: these rules are tested here, but no host runs them yet. The worker, its
//! registration by `leptos-pkce-auth` and the configuration that turns the mode on are
//! still being built, so no configuration can ask for this mode today.

pub mod api_origins;
pub mod config;
pub mod kept_login;
pub mod lifecycle;
pub mod navigation;
pub mod protocol;
pub mod request;
pub mod several;
pub mod start_login;

pub use api_origins::ApiOrigins;
pub use request::{MediationRules, PageRequest, RequestVerdict};
