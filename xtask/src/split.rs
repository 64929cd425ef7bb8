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

/// wasm-opt as Trunk runs it for `data-wasm-opt="z"` (which the stable fallback's
/// unsplit build keeps), but twice, and without the
/// `producers` and `target_features` sections (wasm-bindgen has read the latter; no
/// browser reads either). Measured on the equal page's parts (`brotli -q 11`): the
/// callback's wasm 132,271 → 131,375 bytes, all its wasm 153,687 → 152,642; the
/// second `-Oz` is 133 bytes of that and about 3 s of the build.
pub const WASM_OPT_ARGS: [&str; 10] = [
    "-Oz",
    "-Oz",
    "--strip-producers",
    "--strip-target-features",
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
    let crates = paths::cargo_home().join(".crates.toml");
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
    let linked = std::fs::read(raw).map_err(|e| format!("{}: {e}", raw.display()))?;
    let (pruned, dropped) = crate::wasm_exports::without_unused_split_exports(&linked)?;
    for name in &dropped {
        println!("    not called by this app, left out: {name}");
    }
    let input = work.join("linked.wasm");
    std::fs::write(&input, pruned).map_err(|e| format!("{}: {e}", input.display()))?;
    paths::run(command("wasm-split-cli").arg(&input).arg(&cut).args([
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
        loader = use_early_compile(&loader, &hashed)?;
        copy(&chunk, &dist.join(&hashed))?;
        parts.push(part(dist, hashed)?);
    }
    let preload = callback_preload(&loader, &CALLBACK_SPLITS)?;
    let loader = minify(&work, "loader.js", &loader)?;
    let glue = read(&bound.join(format!("{stem}.js")))?;
    let module = std::fs::read(&main_wasm).map_err(|e| e.to_string())?;
    // The glue imports the loader and the loader imports the glue: the three carry one
    // name, the hash of all three as built, so any change (of the code or of a tool)
    // renames them all and a long cache never serves last build's glue.
    let build = &hex_sha256(&[glue.as_bytes(), loader.as_bytes(), &module].concat())[..16];
    let base = stem
        .rsplit_once('-')
        .map_or(stem.as_str(), |(base, _)| base);
    let (glue_name, wasm_name) = (
        format!("{base}-{build}.js"),
        format!("{base}-{build}_bg.wasm"),
    );
    let loader_name = format!("wasm_split-{build}.js");
    let loader = replace_all(&loader, &format!("./{stem}.js"), &format!("./{glue_name}"))?;
    write(&dist.join(&loader_name), &loader)?;
    let glue = replace_import(&glue, "./__wasm_split.js", &format!("./{loader_name}"))?;
    write(&dist.join(&glue_name), &minify(&work, "glue.js", &glue)?)?;
    copy(&main_wasm, &dist.join(&wasm_name))?;
    for trunks in [format!("{stem}.js"), format!("{stem}_bg.wasm")] {
        std::fs::remove_file(dist.join(&trunks)).map_err(|e| format!("{trunks}: {e}"))?;
    }
    point_pages_at(
        dist,
        &[
            (format!("/{stem}.js"), format!("/{glue_name}")),
            (format!("/{stem}_bg.wasm"), format!("/{wasm_name}")),
        ],
    )?;
    check_loader_files(dist, &loader)?;
    if !preload.is_empty() {
        parts.push(add_head_script(dist, "preload", &preload)?);
    }
    parts.insert(0, part(dist, loader_name)?);
    parts.insert(0, part(dist, glue_name)?);
    parts.insert(0, part(dist, wasm_name)?);
    for part in &parts {
        println!("    {:>8} B  {}", part.bytes, part.name);
    }
    Ok(parts)
}

/// Points the start script (Trunk's loader, moved to `start-<hash>.js` by
/// auth/assets/externalize-loader.mjs) and index.html at the renamed files: the start
/// script gets a new name and SRI hash, and index.html its preload links and tag.
fn point_pages_at(dist: &Path, renames: &[(String, String)]) -> Result<(), String> {
    let index_path = dist.join("index.html");
    let mut index = read(&index_path)?;
    let old_start = std::fs::read_dir(dist)
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .map(|e| file_name(&e.path()))
        .find(|name| {
            name.starts_with("start-") && name.ends_with(".js") && index.contains(name.as_str())
        })
        .ok_or("index.html names no start-<hash>.js (auth/assets/externalize-loader.mjs)")?;
    let mut start = read(&dist.join(&old_start))?;
    for (from, to) in renames {
        start = replace_all(&start, from, to)?;
        index = replace_all(&index, from, to)?;
    }
    let new_start = format!("start-{}.js", &hex_sha256(start.as_bytes())[..16]);
    let old_integrity = sri(read(&dist.join(&old_start))?.as_bytes());
    index = replace_all(&index, &old_start, &new_start)?;
    index = replace_all(&index, &old_integrity, &sri(start.as_bytes()))?;
    std::fs::remove_file(dist.join(&old_start)).map_err(|e| e.to_string())?;
    write(&dist.join(&new_start), &start)?;
    write(&index_path, &index)
}

/// Writes `script` as `<name>-<hash>.js` and loads it, as a classic script with its SRI
/// hash, right before the start script's tag in index.html (same folder, same base).
fn add_head_script(dist: &Path, name: &str, script: &str) -> Result<Part, String> {
    let file = format!("{name}-{}.js", &hex_sha256(script.as_bytes())[..16]);
    write(&dist.join(&file), script)?;
    let index_path = dist.join("index.html");
    let index = read(&index_path)?;
    let start_tag = "<script type=\"module\" src=\"";
    let at = index
        .find(start_tag)
        .ok_or("index.html has no module script tag to put the preload before")?;
    let src = &index[at + start_tag.len()..];
    let base = &src[..src
        .find("start-")
        .ok_or("the module script is not start-<hash>.js")?];
    let tag = format!(
        "<script src=\"{base}{file}\" integrity=\"{}\"></script>\n    ",
        sri(script.as_bytes())
    );
    write(
        &index_path,
        &format!("{}{tag}{}", &index[..at], &index[at..]),
    )?;
    part(dist, file)
}

/// The `integrity` value of `content` as the start script's tag carries it.
pub fn sri(content: &[u8]) -> String {
    use base64::Engine;
    use sha2::Digest;
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(content))
    )
}

/// `text` with every `from` replaced by `to`; an error when there is none (the build's
/// files no longer name each other as this step expects).
pub fn replace_all(text: &str, from: &str, to: &str) -> Result<String, String> {
    if text.contains(from) {
        Ok(text.replace(from, to))
    } else {
        Err(format!("expected to find {from} to rename"))
    }
}

/// Every file the finished loader fetches must be in `dist/`.
fn check_loader_files(dist: &Path, loader: &str) -> Result<(), String> {
    for piece in loader.split("new URL(\"./").skip(1) {
        let file = piece.split('"').next().unwrap_or_default();
        if !dist.join(file).is_file() {
            return Err(format!(
                "the split loader fetches {file}, which is not in dist/"
            ));
        }
    }
    Ok(())
}

/// The splits a callback page needs at once: the code exchange, then the ID token's
/// verification (names of the library's `lazy_fn!` chunks).
const CALLBACK_SPLITS: [&str; 2] = ["pkce_login_callback", "pkce_id_token_verification"];

/// A classic script for the head of index.html (run while the page is parsed, before
/// any module): on a page whose address carries a `state` (a provider's answer at the
/// callback), the chunks of `splits` (and the shared chunks they need) start
/// downloading at once, beside the main module, as `<link rel=preload as=fetch>`,
/// which the loader's own `fetch` of the same URL (resolved the same way, from the
/// same folder) then takes over (same mode and credentials). Measured: from the split
/// loader they started only once the module graph was fetched (96 ms into the page,
/// against 58 ms for the main module). A split the build does not have (an app that
/// never finishes a login in the page) adds nothing.
fn callback_preload(loader: &str, splits: &[&str]) -> Result<String, String> {
    let mut files = Vec::new();
    for split in splits {
        if let Some(found) = files_for_split(loader, split)? {
            files.extend(found);
        }
    }
    files.sort();
    files.dedup();
    if files.is_empty() {
        return Ok(String::new());
    }
    let list = files
        .iter()
        .map(|f| format!("\"./{f}\""))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(format!(
        "// At a callback, the code exchange's chunks download, and compile, with the main\n\
         // module; the split loader instantiates them from here (`{EARLY}`, an own\n\
         // property of the global object: markup cannot clobber it).\n\
         if (/[?&]state=/.test(location.search)) {{\n\
         \x20   const early = Object.create(null);\n\
         \x20   Object.defineProperty(globalThis, \"{EARLY}\", {{ value: early }});\n\
         \x20   for (const file of [{list}]) {{\n\
         \x20       const url = new URL(file, document.currentScript.src).href;\n\
         \x20       const compiled = WebAssembly.compileStreaming(fetch(url));\n\
         \x20       compiled.catch(() => {{}});\n\
         \x20       early[url] = compiled;\n\
         \x20   }}\n\
         }}\n"
    ))
}

/// Where the head script leaves the chunks it compiles: absolute URL → promise of a
/// `WebAssembly.Module`.
const EARLY: &str = "__pkce_compiled";

/// Makes the split loader take the chunk `file` from the head script's early compile
/// when there is one (once: a retry after a failure fetches anew), instead of fetching
/// and compiling it only when asked for, after the main module started and after the
/// chunk's shared chunks are instantiated. Measured at the callback (bench marks): the
/// exchange's chunks took 15–25 ms from the call to their load; compiled while the main
/// module still loads, that wait is their instantiation only.
fn use_early_compile(loader: &str, file: &str) -> Result<String, String> {
    let fetched = format!(
        "    const src = fetch(new URL(\"./{file}\", import.meta.url));\n    \
         src.catch(() => {{}});\n    \
         return async (imports) => (WebAssembly.instantiateStreaming(src, imports));"
    );
    let early = format!(
        "    const url = new URL(\"./{file}\", import.meta.url);\n    \
         const early = Object.hasOwn(globalThis, \"{EARLY}\")\n        \
         ? globalThis.{EARLY}[url.href] : undefined;\n    \
         if (early) delete globalThis.{EARLY}[url.href];\n    \
         const src = early ? undefined : fetch(url);\n    \
         src?.catch(() => {{}});\n    \
         return async (imports) => (early\n        \
         ? WebAssembly.instantiate(await early, imports)\n        \
         : WebAssembly.instantiateStreaming(src, imports));"
    );
    if loader.matches(&fetched).count() != 1 {
        return Err(format!(
            "the split loader does not fetch {file} as wasm_split_cli_support 0.2.4 does: \
             update xtask/src/split.rs (use_early_compile) for the new loader"
        ));
    }
    Ok(loader.replace(&fetched, &early))
}

/// The wasm files the loader fetches for `split`: its own (none for an empty split)
/// and its shared chunks'. `None` when the loader has no such split.
fn files_for_split(loader: &str, split: &str) -> Result<Option<Vec<String>>, String> {
    let export = format!("export const __wasm_split_load_{split} = ");
    let Some(start) = loader.find(&export) else {
        return Ok(None);
    };
    let statement = statement_at(loader, start)?;
    let mut files: Vec<String> = wasm_url(statement).into_iter().collect();
    let deps = statement
        .rsplit_once('[')
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(deps, _)| deps)
        .ok_or_else(|| format!("the split loader's {split} names no dependencies"))?;
    for dep in deps.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        let declaration = format!("const {dep} = ");
        let at = loader
            .find(&declaration)
            .ok_or_else(|| format!("the split loader does not declare {dep}"))?;
        let file = wasm_url(statement_at(loader, at)?)
            .ok_or_else(|| format!("the split loader's {dep} fetches no file"))?;
        files.push(file);
    }
    Ok(Some(files))
}

/// The loader's statement starting at `start`, up to the end of its dependency list
/// (`makeLoad(<fetcher>, [<deps>])`).
fn statement_at(loader: &str, start: usize) -> Result<&str, String> {
    let rest = &loader[start..];
    let end = rest
        .find("])")
        .ok_or("the split loader has an unterminated statement")?;
    Ok(&rest[..end + 1])
}

/// The file of the first `new URL("./<file>"` in `statement`.
fn wasm_url(statement: &str) -> Option<String> {
    let (_, rest) = statement.split_once("new URL(\"./")?;
    rest.split_once('"').map(|(file, _)| file.to_owned())
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
pub fn hashed_name(name: &str, content: &[u8]) -> String {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let stem = stem.trim_start_matches('_');
    format!("{stem}-{}.{ext}", &hex_sha256(content)[..16])
}

pub fn hex_sha256(content: &[u8]) -> String {
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

/// `script` (an ES module) minified by esbuild (tools/package.json), through
/// `work/<name>`. Measured on the demo's wasm-bindgen glue: 68,520 → 31,239 bytes raw,
/// 9,093 → 7,221 brotli (-1.9 KB); Trunk's own `minify` never sees the split glue.
fn minify(work: &Path, name: &str, script: &str) -> Result<String, String> {
    let (input, output) = (work.join(name), work.join(format!("min.{name}")));
    write(&input, script)?;
    paths::run(
        command("esbuild")
            .args(["--minify", "--format=esm", "--log-level=error"])
            .arg(&input)
            .arg(format!("--outfile={}", output.display())),
    )?;
    read(&output)
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

pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn write(path: &Path, text: &str) -> Result<(), String> {
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

    /// The loader as wasm-split-cli 0.2.4 writes it (two chunks, three splits).
    const LOADER: &str = r#"const __chunk_6 = makeLoad(() => {
    const src = fetch(new URL("./chunk_6-aa.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, []);
const __chunk_7 = makeLoad(() => {
    const src = fetch(new URL("./chunk_7-bb.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, []);
export const __wasm_split_load_login_callback = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_login_callback-cc.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, [__chunk_6, __chunk_7]));
export const __wasm_split_load_empty = wrapAsyncCb(makeLoad(() => async (_imp) => ({}), [__chunk_7]));
export const __wasm_split_load_api_page = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_api_page-dd.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, []));
"#;

    #[test]
    fn a_split_brings_its_own_file_and_its_shared_chunks_only() {
        assert_eq!(
            files_for_split(LOADER, "login_callback").unwrap().unwrap(),
            [
                "split_login_callback-cc.wasm",
                "chunk_6-aa.wasm",
                "chunk_7-bb.wasm"
            ]
        );
        assert_eq!(
            files_for_split(LOADER, "empty").unwrap().unwrap(),
            ["chunk_7-bb.wasm"]
        );
        assert_eq!(
            files_for_split(LOADER, "api_page").unwrap().unwrap(),
            ["split_api_page-dd.wasm"]
        );
        assert_eq!(files_for_split(LOADER, "missing").unwrap(), None);
    }

    #[test]
    fn the_callback_preload_names_each_file_once_and_only_at_a_callback() {
        let js = callback_preload(LOADER, &["login_callback", "empty", "missing"]).unwrap();
        assert!(js.contains("/[?&]state=/.test(location.search)"), "{js}");
        assert!(
            js.contains("document.currentScript.src"),
            "a classic script: {js}"
        );
        assert_eq!(js.matches("chunk_7-bb.wasm").count(), 1, "{js}");
        assert!(js.contains("\"./split_login_callback-cc.wasm\""), "{js}");
        assert!(!js.contains("api_page"), "{js}");
        assert_eq!(callback_preload(LOADER, &["missing"]).unwrap(), "");
    }

    #[test]
    fn the_loader_takes_a_chunk_compiled_early_once_and_else_fetches_it() {
        let patched = use_early_compile(LOADER, "chunk_6-aa.wasm").unwrap();
        let chunk_6 = &patched[..patched.find("const __chunk_7").unwrap()];
        assert!(
            chunk_6.contains("Object.hasOwn(globalThis, \"__pkce_compiled\")"),
            "{patched}"
        );
        assert!(
            chunk_6.contains("delete globalThis.__pkce_compiled[url.href]"),
            "{patched}"
        );
        assert!(
            chunk_6.contains("WebAssembly.instantiate(await early, imports)"),
            "{patched}"
        );
        assert!(
            chunk_6.contains(": WebAssembly.instantiateStreaming(src, imports)"),
            "{patched}"
        );
        // The other chunks are left as they were.
        assert_eq!(patched.matches("Object.hasOwn(globalThis").count(), 1);
        assert!(patched.contains("fetch(new URL(\"./chunk_7-bb.wasm\", import.meta.url))"));
        // A loader that fetches otherwise (another splitter version) stops the build.
        assert!(use_early_compile(LOADER, "chunk_9-zz.wasm").is_err());
        assert!(use_early_compile(&patched, "chunk_6-aa.wasm").is_err());
    }

    #[test]
    fn the_callback_compile_starts_at_a_callback_only_and_fills_the_loaders_map() {
        let js = callback_preload(LOADER, &["login_callback"]).unwrap();
        assert!(
            js.contains("WebAssembly.compileStreaming(fetch(url))"),
            "{js}"
        );
        assert!(
            js.contains("Object.defineProperty(globalThis, \"__pkce_compiled\", { value: early })")
                && js.contains("early[url] = compiled"),
            "{js}"
        );
        assert!(
            js.contains("compiled.catch(() => {})"),
            "unhandled rejections stay quiet: {js}"
        );
    }

    #[test]
    fn the_start_script_and_index_follow_the_renamed_module() {
        let dist = std::env::temp_dir().join(format!("split-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dist);
        std::fs::create_dir_all(&dist).unwrap();
        let start = "import init from '/app-aaaa.js';\nawait init({ module_or_path: '/app-aaaa_bg.wasm' });\n";
        std::fs::write(dist.join("start-0000.js"), start).unwrap();
        let index = format!(
            "<script type=\"module\" src=\"/start-0000.js\" integrity=\"{}\"></script>\
             <link rel=\"modulepreload\" href=\"/app-aaaa.js\"><link rel=\"preload\" href=\"/app-aaaa_bg.wasm\">",
            sri(start.as_bytes())
        );
        std::fs::write(dist.join("index.html"), &index).unwrap();
        point_pages_at(
            &dist,
            &[
                ("/app-aaaa.js".into(), "/app-bbbb.js".into()),
                ("/app-aaaa_bg.wasm".into(), "/app-bbbb_bg.wasm".into()),
            ],
        )
        .unwrap();
        let index = std::fs::read_to_string(dist.join("index.html")).unwrap();
        assert!(
            !index.contains("aaaa") && !index.contains("start-0000"),
            "{index}"
        );
        let new_start = index
            .split("src=\"/")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let start = std::fs::read_to_string(dist.join(new_start)).unwrap();
        assert!(start.contains("/app-bbbb.js") && start.contains("/app-bbbb_bg.wasm"));
        assert!(
            index.contains(&sri(start.as_bytes())),
            "the tag's SRI is the new script's"
        );
        assert!(!dist.join("start-0000.js").exists());
        // A page that does not name what is renamed stops the build.
        assert!(point_pages_at(&dist, &[("/gone.js".into(), "/x.js".into())]).is_err());
        std::fs::remove_dir_all(&dist).unwrap();
    }

    #[test]
    fn the_preload_script_goes_right_before_the_start_script_with_its_sri() {
        let dist = std::env::temp_dir().join(format!("split-head-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        let index = "<head><script type=\"module\" src=\"/example/start-ab.js\"></script></head>";
        std::fs::write(dist.join("index.html"), index).unwrap();
        let part = add_head_script(&dist, "preload", "var x = 1;").unwrap();
        let index = std::fs::read_to_string(dist.join("index.html")).unwrap();
        let tag = format!(
            "<script src=\"/example/{}\" integrity=\"{}\"></script>",
            part.name,
            sri(b"var x = 1;")
        );
        assert!(
            index.find(&tag).unwrap() < index.find("start-ab.js").unwrap(),
            "{index}"
        );
        assert!(dist.join(&part.name).is_file());
        std::fs::remove_dir_all(&dist).unwrap();
    }

    #[test]
    fn a_loader_that_fetches_a_file_missing_from_dist_fails_the_build() {
        let dist = std::env::temp_dir().join(format!("split-check-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("chunk_6-aa.wasm"), b"").unwrap();
        let loader = "fetch(new URL(\"./chunk_6-aa.wasm\",import.meta.url));";
        assert!(check_loader_files(&dist, loader).is_ok());
        let missing = format!("{loader}fetch(new URL(\"./chunk_7-bb.wasm\",import.meta.url));");
        assert!(check_loader_files(&dist, &missing).is_err());
        std::fs::remove_dir_all(&dist).unwrap();
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
