//! Browser glue: sessionStorage, IndexedDB, fetch, WebCrypto, Web Locks,
//! BroadcastChannel, randomness, the clock and the address bar. Thin on purpose: the
//! decisions live in the protocol core. Private to the library.

pub(crate) mod answer;
pub(crate) mod broadcast;
pub(crate) mod clock;
pub(crate) mod crypto;
pub(crate) mod dpop;
pub(crate) mod dpop_token;
pub(crate) mod flow;
pub(crate) mod global;
pub(crate) mod hint;
pub(crate) mod http;
pub(crate) mod idb;
pub(crate) mod locks;
pub(crate) mod navigation;
pub(crate) mod par;
pub(crate) mod pending_login;
pub(crate) mod popup;
pub(crate) mod provider;
pub(crate) mod random;
pub(crate) mod refresh_store;
pub(crate) mod shared_callback;
pub(crate) mod silent;
pub(crate) mod storage;
pub(crate) mod task;
pub(crate) mod worker_link;

#[cfg(test)]
mod tests;
