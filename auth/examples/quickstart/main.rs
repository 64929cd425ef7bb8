//! The quick start of README.md ("Use it in your own app"), compiled for wasm32 by
//! `cargo xtask test` (clippy, all targets) so it cannot rot; `tests/readme.rs` checks
//! that README.md still shows exactly this code.

#[cfg(target_arch = "wasm32")]
include!("app.rs");

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
