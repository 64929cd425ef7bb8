//! The token-mediation service worker (`auth/worker`, crate
//! `leptos-pkce-token-worker`) built into an app's `dist/`: its script
//! (`auth/assets/token-worker.js`), and the wasm it loads with its wasm-bindgen glue
//! (`token-worker-glue.js`, `token-worker-glue_bg.wasm`, no-modules: a service worker's
//! `importScripts`). Unhashed names: a service worker's script is found by its URL
//! (nginx serves them with `expires -1`). The browser looks for a new version of the
//! script at each navigation but never compares the wasm, which the glue fetches: the
//! script asks for both with their content's hash in the query, so any change to the
//! glue or the wasm is a new script, and a new worker.

use std::path::Path;

use crate::paths::{self, command, root};
use crate::{release, split};

/// Builds the worker with the release flags of the app (`nightly`: std rebuilt for
/// size) and writes its three files into `dist`.
pub fn build_into(dist: &Path, nightly: bool) -> Result<(), String> {
    paths::run(release::for_size(&mut command("cargo"), nightly).args([
        "build",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "leptos-pkce-token-worker",
    ]))?;
    let raw = root().join("target/wasm32-unknown-unknown/release/leptos_pkce_token_worker.wasm");
    paths::run(
        command("wasm-bindgen")
            .args(["--target", "no-modules", "--no-typescript", "--out-name"])
            .arg("token-worker-glue")
            .arg("--out-dir")
            .arg(dist)
            .arg(&raw),
    )?;
    let wasm = dist.join("token-worker-glue_bg.wasm");
    paths::run(
        command("wasm-opt")
            .args(split::WASM_OPT_ARGS)
            .arg(&wasm)
            .arg("-o")
            .arg(&wasm),
    )?;
    let read = |name: &str| std::fs::read(dist.join(name)).map_err(|e| format!("{name}: {e}"));
    let mut both = read("token-worker-glue.js")?;
    both.extend(read("token-worker-glue_bg.wasm")?);
    let version = &split::hex_sha256(&both)[..16];
    let script = split::read(&root().join("auth/assets/token-worker.js"))?;
    let stamped = stamp(&script, version)?;
    split::write(&dist.join("token-worker.js"), &stamped)
}

/// `script` asking for the glue and the wasm of `version`.
fn stamp(script: &str, version: &str) -> Result<String, String> {
    let mut stamped = script.to_owned();
    for file in ["./token-worker-glue.js'", "./token-worker-glue_bg.wasm'"] {
        if !stamped.contains(file) {
            return Err(format!(
                "auth/assets/token-worker.js no longer loads {file}"
            ));
        }
        let versioned = format!("{}?v={version}'", file.trim_end_matches('\''));
        stamped = stamped.replace(file, &versioned);
    }
    Ok(stamped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_asks_for_the_glue_and_wasm_of_its_version() {
        let script = std::fs::read_to_string(root().join("auth/assets/token-worker.js")).unwrap();
        let stamped = stamp(&script, "0123456789abcdef").unwrap();
        assert!(stamped.contains("importScripts('./token-worker-glue.js?v=0123456789abcdef')"));
        assert!(stamped.contains("'./token-worker-glue_bg.wasm?v=0123456789abcdef'"));
        assert!(stamp("importScripts('./other.js')", "0").is_err());
    }
}
