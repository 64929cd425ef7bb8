//! Browser glue: sessionStorage and localStorage, fetch, WebCrypto, Web Locks,
//! BroadcastChannel, randomness, the clock and the address bar. Thin on purpose; the
//! decisions live in the protocol core.

pub mod broadcast;
pub mod clock;
pub mod crypto;
pub mod error;
pub mod flow;
pub mod http;
pub mod locks;
pub mod navigation;
pub mod pending_login;
pub mod provider;
pub mod random;
pub mod refresh_store;
pub mod storage;
pub mod task;
