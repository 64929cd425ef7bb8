//! Browser glue: sessionStorage, fetch, randomness, the clock and the address bar.
//! Thin on purpose; the decisions live in the protocol core.

pub mod clock;
pub mod error;
pub mod flow;
pub mod http;
pub mod navigation;
pub mod random;
pub mod storage;
