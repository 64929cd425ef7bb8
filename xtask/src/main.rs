//! The project's commands (the cargo-xtask convention):
//!
//! - `cargo xtask dev`: set up, then run the local provider and `trunk serve`.
//! - `cargo xtask test`: set up, then run every suite (native, browser, end-to-end).
//! - `cargo xtask e2e [FILTER…]`: only the end-to-end suite (after a release build).
//! - `cargo xtask bench [--runs N] [--dpop]`: sizes and sign-in timings beside auth0-react
//!   (with `--dpop`, the app binds its tokens with DPoP).
//! - `cargo xtask fuzz [--seconds N]`: every fuzz target for N seconds (60).
//! - `cargo xtask build [equal-page]`: set up, then build the release `dist/` (or the
//!   bench's equal page, into `target/bench/equal-page/`).
//! - `cargo xtask setup [--all]`: only install what is missing.

mod bench;
mod dev;
mod docs;
mod fuzz;
#[cfg(test)]
mod imports;
mod paths;
mod publishing;
mod quickstart;
mod release;
mod service;
mod setup;
mod split;
mod styles;
mod suites;
mod token_worker;
mod wasm_exports;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dev") => dev::run(),
        Some("idp") => dev::provider_only(),
        Some("test") => suites::run(),
        Some("e2e") => suites::run_e2e(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("fuzz") => fuzz::run_all(&args[1..]),
        Some("build") if args.get(1).map(String::as_str) == Some("equal-page") => {
            setup::for_build().and_then(|()| bench::build_equal_page().map(|_| ()))
        }
        Some("build") => setup::for_build().and_then(|()| suites::build_release()),
        Some("setup") if args.get(1).map(String::as_str) == Some("--all") => setup::for_tests(),
        Some("setup") => setup::for_build(),
        _ => {
            eprintln!("usage: cargo xtask <dev | idp | test | e2e [FILTER…] | bench [--runs N] [--dpop] | fuzz [--seconds N] | build [equal-page] | setup [--all]>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nxtask: {error}");
            ExitCode::FAILURE
        }
    }
}
