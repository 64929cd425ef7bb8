//! Token mediation by a service worker: the rules of the mode in which a worker on the
//! app's origin starts each login (it keeps the PKCE verifier), redeems the code,
//! refreshes, keeps the access and refresh tokens in its own memory, hands the page
//! only the verified claims, and adds the access token to the app's own API requests.
//!
//! What it protects: a token already issued. Script injected into the page can call
//! the APIs while the page is open, but cannot read a token or carry one away.
//! What it does not: such a script can still get fresh tokens of its own, by running a
//! login of its own (its answer in the fragment, which no worker sees; at another
//! redirect URI the client registered; or after unregistering the worker, when new
//! navigations are not controlled): a public client has no secret to stop that. After
//! a worker restart mid-login it can also write a login into the worker's IndexedDB
//! and sign the browser in to an account of its own ([`kept_login`]). It narrows what
//! an injection takes; it does not make one harmless.
//!
//! The worker and the page are the hosts; the decisions are here, as everywhere in this
//! crate: which origins a token may go to ([`api_origins`]) and what happens to each
//! request a page makes ([`request`]; among several providers, [`several`]), which
//! navigations the worker takes ([`navigation`]) and what of a kept login it trusts
//! ([`kept_login`]), the messages the pages and the worker exchange ([`protocol`],
//! [`start_login`]), and what a page does when the worker lost its memory or is being
//! replaced ([`lifecycle`]).
//!
//! How the worker is built (decided and measured; see the status below):
//! - In Rust on this crate, not in a script: the worker verifies ID tokens, checks
//!   callbacks and reads refresh answers, and these rules are the ones already tested
//!   and fuzzed here. A first worker of these rules and WebCrypto glue (callback check,
//!   code exchange, ID token verification, authorize URL, the request verdict, the
//!   messages) measured 190,030 bytes raw and 71,207 brotli after `wasm-opt -Oz`. The
//!   worker as built now (with discovery, pushed requests, renewals, revocation,
//!   several providers and the configuration's own checks; `cargo xtask bench`, std
//!   rebuilt for size) is 346,340 bytes raw and 126,165 brotli of wasm, 6,651 brotli of
//!   wasm-bindgen glue and 1,151 of script. No page fetches any of it: the worker loads
//!   it in the background once registered. A script would be smaller, but it would be
//!   a second implementation of every rule. The largest parts are the two async entry
//!   points (a page's message, a request), whose futures inline the flows they await.
//! - The worker reads its configuration itself (the app's `config.json`, from its own
//!   origin), never from a page: the allow-list is what decides where a token goes, and
//!   a page's script must not be able to write it.
//! - A browser registers a worker's event handlers only while its script first runs,
//!   before any wasm can be ready: a small script registers them and hands each event
//!   to the wasm once it has loaded.
//! - The login transaction outlives a stopped worker (a user takes longer at the
//!   provider than a worker stays idle): the worker keeps it in IndexedDB, where it is
//!   no secret from the page's script. So the code must not reach the page's script
//!   either: the worker takes the callback's navigation and redeems the code
//!   before the page loads, and the page gets a clean address.
//!
//! The page's side: [`lifecycle`] (its first answer) and [`page`] (every later
//! message, and the login options it sends); `leptos-pkce-auth` registers the worker
//! and follows it when `token_mediation` is `"service_worker"`. Still to come: DPoP
//! in the worker (refused with the mode until then).

pub mod api_origins;
pub mod config;
pub mod kept_login;
pub mod lifecycle;
pub mod navigation;
pub mod page;
pub mod protocol;
pub mod request;
pub mod several;
pub mod start_login;

pub use api_origins::ApiOrigins;
pub use request::{MediationRules, PageRequest, RequestVerdict};
