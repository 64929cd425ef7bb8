//! `cargo xtask bench`: sizes and sign-in timings of this app and of the auth0-react
//! baseline (bench/baseline), measured in the same run, side by side.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::paths::{self, command, output_line, root};
use crate::split::WASM_OPT_ARGS;
use crate::suites::{self, APP_PORT as OURS_PORT, CHROMEDRIVER_PORT, PROVIDER_PORT};
use crate::{release, setup};

/// The baseline app's port, beside the test suite's.
const BASELINE_PORT: u16 = 8092;
/// The equal page's port (bench/equal-page: the baseline's page on the library).
const EQUAL_PORT: u16 = 8099;
/// config.json edit that turns the token worker's mode on and nothing else (the
/// bench's `--token-worker`).
const TOKEN_WORKER_ONLY: (&str, &str) = (
    r#""refresh_token_storage": "memory""#,
    r#""refresh_token_storage": "memory", "token_mediation": "service_worker""#,
);

/// Builds both apps, serves them with nginx, and runs the measuring binary.
pub fn run(args: &[String]) -> Result<(), String> {
    let usage =
        || "usage: cargo xtask bench [--runs N] [--dpop] [--token-worker] [--no-peers]".to_owned();
    let mut runs = "20".to_owned();
    let mut dpop = false;
    let mut token_worker = false;
    let mut peers = true;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--runs" => match rest.next() {
                Some(n) if n.parse::<u32>().is_ok_and(|n| n > 0) => runs.clone_from(n),
                _ => return Err(usage()),
            },
            "--dpop" => dpop = true,
            "--token-worker" => token_worker = true,
            "--no-peers" => peers = false,
            _ => return Err(usage()),
        }
    }
    setup::for_bench()?;
    suites::build_release()?;
    let equal = build_equal_page()?;
    let baseline = root().join("bench/baseline");
    paths::run(command("npm").args(["run", "build"]).current_dir(&baseline))?;
    let work = root().join("target/bench");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let twiggy_csv = wasm_twiggy_csv(&work);
    let floor = build_floor(&work)?;
    let peers = if peers {
        build_peers(&work)
    } else {
        Vec::new()
    };

    let origins = format!(
        "http://127.0.0.1:{OURS_PORT},http://127.0.0.1:{EQUAL_PORT},http://127.0.0.1:{BASELINE_PORT}"
    );
    let _provider = suites::start_provider(&work, &[("DEVIDP_APP_ORIGINS", &origins)])?;
    let baseline_site = format!(
        "server {{\n  listen 127.0.0.1:{BASELINE_PORT};\n  root {};\n  include /etc/nginx/mime.types;\n  \
         gzip on;\n  gzip_types application/javascript;\n  location / {{ try_files $uri /index.html; }}\n}}\n",
        baseline.join("dist").display()
    );
    // With --dpop, the same build with `dpop` on: every token request carries a proof
    // (and the provider's first answer is a nonce challenge).
    // With --token-worker, the same build in the token worker's mode: what the page
    // fetches then (the mode's chunk at start; at the callback, the page the worker
    // sends the browser on to), the worker's own files being fetched by the worker.
    let ours = match (dpop, token_worker) {
        (true, true) => return Err("--dpop and --token-worker: one at a time".into()),
        (true, false) => suites::dist_variant(&work, "bench-dpop", suites::DPOP_ONLY)?,
        (false, true) => suites::dist_variant(&work, "bench-token-worker", TOKEN_WORKER_ONLY)?,
        (false, false) => root().join("dist"),
    };
    let config = suites::nginx_config(
        &work,
        &[
            suites::Site::new(OURS_PORT, ours.clone()),
            suites::Site::new(EQUAL_PORT, equal.clone()),
        ],
        &baseline_site,
    )?;
    let _nginx = suites::start_nginx(&work, &config, BASELINE_PORT)?;
    let _chromedriver = suites::start_chromedriver(&work)?;
    let mut bench = command("cargo");
    bench
        .args(["run", "--quiet", "--release", "-p", "e2e", "--bin", "bench"])
        .env("BENCH_RUNS", runs)
        .env("BENCH_OURS_URL", format!("http://127.0.0.1:{OURS_PORT}"))
        .env(
            "BENCH_BASELINE_URL",
            format!("http://127.0.0.1:{BASELINE_PORT}"),
        )
        .env("BENCH_OURS_DIST", ours)
        .env("BENCH_EQUAL_URL", format!("http://127.0.0.1:{EQUAL_PORT}"))
        .env("BENCH_EQUAL_DIST", &equal)
        .env("BENCH_BASELINE_DIST", baseline.join("dist"))
        .env(
            "BENCH_SPA_JS",
            baseline.join("dist-spa-js/auth0-spa-js.min.js"),
        )
        .env("BENCH_FLOOR_DIST", floor)
        .env("BENCH_OUT", work.join("results.json"))
        .env("E2E_IDP_URL", format!("http://127.0.0.1:{PROVIDER_PORT}"))
        .env(
            "E2E_WEBDRIVER",
            format!("http://127.0.0.1:{CHROMEDRIVER_PORT}"),
        );
    if !peers.is_empty() {
        bench.env("BENCH_PEERS", peers.join(";"));
    }
    if let Some(csv) = twiggy_csv {
        bench.env("BENCH_TWIGGY_CSV", csv);
    }
    paths::run(&mut bench)
}

/// Builds bench/equal-page like the demo (release, split) into
/// `target/bench/equal-page`, and returns that folder.
pub fn build_equal_page() -> Result<PathBuf, String> {
    let dist = root().join("target/bench/equal-page");
    release::build_app(
        &root().join("bench/equal-page"),
        "leptos-pkce-equal-page",
        &dist,
    )?;
    Ok(dist)
}

/// The framework's floor (bench/floor: Leptos and its router, nothing else) built like
/// the app: same release profile and std (`release`), then as Trunk ships it. Returns the folder holding
/// its wasm and JS glue.
fn build_floor(work: &Path) -> Result<PathBuf, String> {
    let mut cargo = wasm_release_build(release::for_size, "target");
    paths::run(cargo.args(["-p", "leptos-floor"]))?;
    let out = work.join("floor");
    let wasm = root().join("target/wasm32-unknown-unknown/release/leptos-floor.wasm");
    ship_like_trunk(&wasm, &out, false)?;
    Ok(out)
}

/// `cargo build --release` for the wasm target with `flags` (the shipped build's,
/// [`release::for_size`], or [`release::with_names`]) into `target_dir` (relative to
/// the root).
fn wasm_release_build(flags: fn(&mut Command, bool) -> &mut Command, target_dir: &str) -> Command {
    let mut cargo = command("cargo");
    flags(&mut cargo, release::nightly_available())
        .args([
            "build",
            "--quiet",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .env("CARGO_TARGET_DIR", root().join(target_dir));
    cargo
}

/// The Rust peers' reference apps (bench/peers: the smallest app that signs in with
/// each), with `name=folder` of each one built, shipped like ours. Size only; a peer
/// that does not build (offline, say: its crates come from crates.io) is left out
/// with a warning, since it is a reference line, not a measurement of this app.
fn build_peers(work: &Path) -> Vec<String> {
    const PEERS: [(&str, &str); 1] = [("leptos_oidc2 0.11.0", "leptos_oidc2")];
    let mut built = Vec::new();
    for (label, folder) in PEERS {
        let mut cargo = wasm_release_build(release::for_size, "target/peers");
        cargo.current_dir(root().join("bench/peers").join(folder));
        let package = format!("peer-{}", folder.replace('_', "-"));
        let shipped = paths::run(&mut cargo).and_then(|()| {
            let wasm = root().join(format!(
                "target/peers/wasm32-unknown-unknown/release/{package}.wasm"
            ));
            ship_like_trunk(&wasm, &work.join("peers").join(folder), false)
        });
        match shipped {
            Ok(module) => built.push(format!(
                "{label}={}",
                module.parent().unwrap_or(work).display()
            )),
            Err(why) => println!("\n==> bench: no {label} reference line: {why}"),
        }
    }
    built
}

/// twiggy's size listing of the release module as shipped, but with its function
/// names kept (its own build, in `target/named`: the shipped one has none), or `None`
/// when twiggy is missing.
fn wasm_twiggy_csv(work: &Path) -> Option<PathBuf> {
    output_line("twiggy", &["--version"])?;
    let mut cargo = wasm_release_build(release::with_names, "target/named");
    paths::run(cargo.args(["--bin", "leptos-pkce"])).ok()?;
    let wasm = root().join("target/named/wasm32-unknown-unknown/release/leptos-pkce.wasm");
    let named = ship_like_trunk(&wasm, &work.join("named"), true).ok()?;
    let output = command("twiggy")
        .args(["top", "-n", "1000000", "--format", "csv"])
        .arg(&named)
        .output()
        .ok()?;
    let csv = work.join("twiggy.csv");
    std::fs::write(&csv, output.stdout).ok()?;
    Some(csv)
}

/// Runs `wasm` through wasm-bindgen into a fresh `out` and optimizes the module in
/// place with the same wasm-opt as the split release build (`keep_names`: function names survive, for
/// twiggy). Returns the optimized module's path.
fn ship_like_trunk(wasm: &Path, out: &Path, keep_names: bool) -> Result<PathBuf, String> {
    let _ = std::fs::remove_dir_all(out);
    paths::run(
        command("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(out)
            .arg(wasm),
    )?;
    let stem = wasm
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| format!("{}: no file name", wasm.display()))?;
    let module = out.join(format!("{stem}_bg.wasm"));
    let mut optimize = command("wasm-opt");
    if keep_names {
        optimize.arg("-g");
    }
    paths::run(
        optimize
            .args(WASM_OPT_ARGS)
            .arg(&module)
            .arg("-o")
            .arg(&module),
    )?;
    Ok(module)
}
