//! The release build: Trunk, offline, with the standard library rebuilt for size on
//! the nightly toolchain these machines carry beside stable. Dev builds and every test
//! build stay on stable; only the shipped `dist/` (and the bench's floor, to compare
//! like with like) use this.
//!
//! Measured (`cargo xtask bench`, brotli): rebuilding std with `optimize_for_size`
//! and `panic=immediate-abort` took the app's wasm from 187.8 to 171.6 KB (-16.2 KB).
//! A panic then traps with no message; `public/crash.js` turns the trap into a
//! readable error page.
//!
//! Every release build (stable too) also sets `--cfg erase_components`: Leptos then
//! erases each component's view type (`AnyView`) instead of compiling one deeply
//! nested type per page. Measured on the shipped wasm (wasm-bindgen + `wasm-opt -Oz`,
//! `brotli -q 11`): 647,169 → 625,651 bytes raw, 220,478 → 213,777 brotli (-6.7 KB).

use std::path::Path;
use std::process::Command;

use crate::paths::{self, command, output_line, root};
use crate::{setup, split, styles};

/// The toolchain that rebuilds std.
const NIGHTLY: &str = "nightly";

/// Whether the nightly toolchain with `rust-src` is there, installing `rust-src` when
/// missing. Without it the release build falls back to stable (and says so).
pub fn nightly_available() -> bool {
    let installed = |what: &str| {
        command("rustup")
            .args(["+nightly", "component", "list", "--installed"])
            .output()
            .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains(what))
    };
    if output_line("rustup", &["+nightly", "--version"]).is_none() {
        return false;
    }
    if installed("rust-src") {
        return true;
    }
    println!("\n==> xtask setup: rustup +nightly component add rust-src");
    paths::run(command("rustup").args(["+nightly", "component", "add", "rust-src"])).is_ok()
        && installed("rust-src")
}

/// Leptos erases component view types: smaller code (see the module's comment).
const ERASE_COMPONENTS: &str = "--cfg erase_components";

/// The linker drops the function names but keeps `target_features`, which
/// wasm-bindgen reads to emit its reference-types glue. Without names wasm-bindgen
/// calls its exports `__wbindgen_export…` instead of long mangled paths. Measured
/// (wasm-bindgen + `wasm-opt -Oz`, `brotli -q 11`): wasm 609,667 → 608,643 bytes raw,
/// 208,919 → 208,585 brotli; JS glue 69,098 → 65,764 raw, 8,960 → 8,780 brotli
/// (-0.5 KB). Plain `strip = true` also drops `target_features`: wasm-bindgen then
/// warns it cannot tell which features the module uses, so not that.
const STRIP_NAMES: &str = "-Cstrip=symbols -Clink-arg=--keep-section=target_features";

/// Sets `cargo` (or Trunk, which runs it) up for a release build of the shipped
/// wasm: erased components, no function names, and with `nightly`, std rebuilt for
/// size.
pub fn for_size(cmd: &mut Command, nightly: bool) -> &mut Command {
    release_flags(cmd, nightly, STRIP_NAMES)
}

/// [`for_size`] with the split points on and the relocations the splitter reads.
pub fn for_split(cmd: &mut Command, nightly: bool) -> &mut Command {
    release_flags(
        cmd,
        nightly,
        &format!("{STRIP_NAMES} {}", split::SPLIT_FLAGS),
    )
}

/// The same build with its function names kept, for twiggy (`cargo xtask bench`).
pub fn with_names(cmd: &mut Command, nightly: bool) -> &mut Command {
    release_flags(cmd, nightly, "")
}

fn release_flags<'a>(cmd: &'a mut Command, nightly: bool, strip: &str) -> &'a mut Command {
    if !nightly {
        return cmd.env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            format!("{ERASE_COMPONENTS} {strip}"),
        );
    }
    cmd.env("RUSTUP_TOOLCHAIN", NIGHTLY)
        .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
        .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size")
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            format!("-Zunstable-options -Cpanic=immediate-abort {ERASE_COMPONENTS} {strip}"),
        )
}

/// Builds the release `dist/` with Trunk, offline, then splits its wasm into chunks
/// ([`split`]); with std rebuilt for size when the nightly toolchain is there (the
/// splitter is built with it too: without nightly the build is not split, and says so).
pub fn build() -> Result<(), String> {
    let dist = root().join("dist");
    build_app(&root(), "leptos-pkce", &dist)?;
    crate::token_worker::build_into(&dist, nightly_available())
}

/// [`build`] for any Trunk app of the workspace: its folder, its binary (named as its
/// package) and the `dist` its Trunk.toml names.
pub fn build_app(folder: &Path, bin: &str, dist: &Path) -> Result<(), String> {
    let mut trunk = command("trunk");
    trunk
        .args(["build", "--release", "--offline"])
        .current_dir(folder);
    let nightly = nightly_available();
    // With nightly the build is split, and the splitter must be there: a failed
    // install stops the build rather than shipping it unsplit unnoticed.
    if nightly {
        setup::splitter()?;
    }
    let splitting = nightly;
    let flags = if splitting { for_split } else { for_size };
    if nightly {
        // Trunk runs cargo with --offline, and std's own dependencies may not be in
        // the local registry yet: the same cargo build, online, first (Trunk's is
        // then a no-op).
        paths::run(flags(&mut command("cargo"), true).args([
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            bin,
            "--bin",
            bin,
        ]))?;
    } else {
        println!(
            "\n==> release build on stable: no nightly toolchain with rust-src here \
             (the wasm is about 16 KB brotli larger, and not split)"
        );
    }
    paths::run(flags(&mut trunk, nightly))?;
    styles::minify_in(dist)?;
    if splitting {
        let raw = root().join(format!("target/wasm32-unknown-unknown/release/{bin}.wasm"));
        split::split_into(dist, &raw)?;
    }
    Ok(())
}
