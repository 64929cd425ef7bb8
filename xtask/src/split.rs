//! Splits the release build's wasm into a main module and lazily loaded chunks, after
//! Trunk built `dist/` (Trunk cannot: its wasm-bindgen call has no
//! `--keep-lld-exports`, trunk-rs/trunk#1022).
//!
//! The code marks its split points with `leptos_pkce_auth::lazy_fn!`, which emits the
//! splitter's imports only under `--cfg leptos_pkce_split` (set with
//! `-Clink-arg=--emit-relocs` by [`crate::release`]). Then, as cargo-leptos `--split`
//! does: `wasm-split-cli` on the raw module → `wasm-bindgen --keep-lld-exports` on the
//! main part → `wasm-opt` on every part → content-hashed names, so a long cache never
//! serves a chunk of another build. The main module and its JS glue keep the names
//! Trunk gave them (index.html and the loader script name them); Trunk hashed those
//! from the same source, so they change with every change of the code.

use std::path::{Path, PathBuf};

use crate::paths::{self, command, output_line, root};

/// The splitter: `wasm_split_cli_support`, the version cargo-leptos 0.3 uses (0.2.4
/// is the first that handles a zero-sized `__heap_base`; it needs `if let` guards, so
/// it is built with nightly).
pub const SPLITTER_VERSION: &str = "0.2.4";

/// The rustc flags that make a module the splitter can cut (added to the release
/// flags).
pub const SPLIT_FLAGS: &str = "--cfg leptos_pkce_split -Clink-arg=--emit-relocs";

/// wasm-opt as Trunk runs it for `data-wasm-opt="z"`.
pub const WASM_OPT_ARGS: [&str; 7] = [
    "-Oz",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Whether `wasm-split-cli` (of [`SPLITTER_VERSION`]) is installed.
pub fn splitter_installed() -> bool {
    // The CLI has no --version: its crate's install record tells.
    let crates = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo"))
        .join(".crates.toml");
    let listed = std::fs::read_to_string(crates)
        .is_ok_and(|text| text.contains(&format!("wasm_split_cli_support {SPLITTER_VERSION} ")));
    listed && output_line("wasm-split-cli", &["--help"]).is_some()
}

/// One file the split wrote to `dist/`, and its size.
pub struct Part {
    /// Its name in `dist/`.
    pub name: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Splits `raw` (the linked module cargo wrote, with relocations) into `dist/`,
/// replacing the unsplit module and glue Trunk put there.
pub fn split_into(dist: &Path, raw: &Path) -> Result<Vec<Part>, String> {
    let stem = trunk_module_stem(dist)?;
    let work = root().join("target/split");
    let _ = std::fs::remove_dir_all(&work);
    let (cut, bound) = (work.join("cut"), work.join("bound"));
    for dir in [&cut, &bound] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    println!("\n==> split: {} into chunks", raw.display());
    paths::run(command("wasm-split-cli").arg(raw).arg(&cut).args([
        "--target",
        "web",
        "--out-name",
        &stem,
    ]))?;
    paths::run(
        command("wasm-bindgen")
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--keep-lld-exports",
                "--no-demangle",
                "--out-name",
                &stem,
                "--out-dir",
            ])
            .arg(&bound)
            .arg(cut.join(format!("{stem}.wasm"))),
    )?;
    let main_wasm = bound.join(format!("{stem}_bg.wasm"));
    optimize(&main_wasm)?;
    let mut loader = read(&cut.join("__wasm_split.js"))?;
    let mut parts = Vec::new();
    for chunk in chunk_files(&cut)? {
        optimize(&chunk)?;
        let name = file_name(&chunk);
        let hashed = hashed_name(&name, &std::fs::read(&chunk).map_err(|e| e.to_string())?);
        let quoted = format!("\"./{name}\"");
        if !loader.contains(&quoted) {
            return Err(format!("the split loader does not name {name}"));
        }
        loader = loader.replace(&quoted, &format!("\"./{hashed}\""));
        copy(&chunk, &dist.join(&hashed))?;
        parts.push(part(dist, hashed)?);
    }
    let loader_name = hashed_name("__wasm_split.js", loader.as_bytes());
    write(&dist.join(&loader_name), &loader)?;
    let glue = read(&bound.join(format!("{stem}.js")))?;
    let glue = replace_import(&glue, "./__wasm_split.js", &format!("./{loader_name}"))?;
    write(&dist.join(format!("{stem}.js")), &glue)?;
    copy(&main_wasm, &dist.join(format!("{stem}_bg.wasm")))?;
    parts.insert(0, part(dist, loader_name)?);
    parts.insert(0, part(dist, format!("{stem}.js"))?);
    parts.insert(0, part(dist, format!("{stem}_bg.wasm"))?);
    for part in &parts {
        println!("    {:>8} B  {}", part.bytes, part.name);
    }
    Ok(parts)
}

/// The stem of the module Trunk wrote (`leptos-pkce-<hash>` for
/// `leptos-pkce-<hash>.js` beside `leptos-pkce-<hash>_bg.wasm`).
fn trunk_module_stem(dist: &Path) -> Result<String, String> {
    let entries = std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    let mut stems = entries.filter_map(Result::ok).filter_map(|e| {
        e.file_name()
            .to_str()?
            .strip_suffix("_bg.wasm")
            .map(str::to_owned)
    });
    match (stems.next(), stems.next()) {
        (Some(stem), None) => Ok(stem),
        _ => Err(format!(
            "{} holds no single Trunk-built module (*_bg.wasm)",
            dist.display()
        )),
    }
}

/// The chunks the splitter wrote (`split_<name>.wasm`, `chunk_<n>.wasm`), by name.
fn chunk_files(cut: &Path) -> Result<Vec<PathBuf>, String> {
    let mut chunks: Vec<PathBuf> = std::fs::read_dir(cut)
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = file_name(p);
            (name.starts_with("split_") || name.starts_with("chunk_")) && name.ends_with(".wasm")
        })
        .collect();
    chunks.sort();
    Ok(chunks)
}

/// `name.ext` → `name-<16 hex of its SHA-256>.ext`: the form deploy/nginx.conf caches
/// for a year.
fn hashed_name(name: &str, content: &[u8]) -> String {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let stem = stem.trim_start_matches('_');
    format!("{stem}-{}.{ext}", &hex_sha256(content)[..16])
}

fn hex_sha256(content: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Points the glue's `import … from "<from>"` statements at `to`; the wasm's own
/// import object keeps the name the module asks for. An error when the glue does not
/// import it (the splitter and wasm-bindgen disagree).
fn replace_import(glue: &str, from: &str, to: &str) -> Result<String, String> {
    let mut out = glue.to_owned();
    let mut found = false;
    for quote in ['"', '\''] {
        let statement = format!("from {quote}{from}{quote}");
        if out.contains(&statement) {
            found = true;
            out = out.replace(&statement, &format!("from {quote}{to}{quote}"));
        }
    }
    if found {
        Ok(out)
    } else {
        Err(format!("the wasm-bindgen glue does not import {from}"))
    }
}

fn optimize(wasm: &Path) -> Result<(), String> {
    paths::run(
        command("wasm-opt")
            .args(WASM_OPT_ARGS)
            .arg(wasm)
            .arg("-o")
            .arg(wasm),
    )
}

fn part(dist: &Path, name: String) -> Result<Part, String> {
    let bytes = std::fs::metadata(dist.join(&name))
        .map_err(|e| e.to_string())?
        .len();
    Ok(Part { name, bytes })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("{} → {}: {e}", from.display(), to.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_carry_the_content_hash_in_the_form_nginx_caches() {
        let a = hashed_name("split_api_page.wasm", b"one");
        let b = hashed_name("split_api_page.wasm", b"two");
        assert!(
            a.starts_with("split_api_page-") && a.ends_with(".wasm"),
            "{a}"
        );
        assert_ne!(a, b);
        assert_eq!(
            hashed_name("__wasm_split.js", b"x").len(),
            "wasm_split-".len() + 16 + 3
        );
    }

    #[test]
    fn the_loader_import_is_rewritten_or_the_build_fails() {
        let glue = "import * as a from \"./__wasm_split.js\"\nimports[\"./__wasm_split.js\"] = a;";
        assert_eq!(
            replace_import(glue, "./__wasm_split.js", "./wasm_split-0123.js").unwrap(),
            "import * as a from \"./wasm_split-0123.js\"\nimports[\"./__wasm_split.js\"] = a;"
        );
        assert!(replace_import("import x from './other.js';", "./__wasm_split.js", "y").is_err());
    }
}
