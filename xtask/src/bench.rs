//! `cargo xtask bench`: sizes and sign-in timings of this app and of the auth0-react
//! baseline (bench/baseline), measured in the same run, side by side.

use crate::paths::{self, command, root};
use crate::setup;
use crate::suites::{self, APP_PORT as OURS_PORT, CHROMEDRIVER_PORT, PROVIDER_PORT};

/// The baseline app's port, beside the test suite's.
const BASELINE_PORT: u16 = 8092;

/// wasm-opt as Trunk runs it for `data-wasm-opt="z"` (the same output size, checked).
const WASM_OPT_ARGS: [&str; 7] = [
    "-Oz",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Builds both apps, serves them with nginx, and runs the measuring binary.
pub fn run(args: &[String]) -> Result<(), String> {
    let runs = match args {
        [] => "20".to_owned(),
        [flag, n] if flag == "--runs" && n.parse::<u32>().is_ok_and(|n| n > 0) => n.clone(),
        _ => return Err("usage: cargo xtask bench [--runs N]".into()),
    };
    setup::for_bench()?;
    suites::build_release()?;
    let baseline = root().join("bench/baseline");
    paths::run(command("npm").args(["run", "build"]).current_dir(&baseline))?;
    let work = root().join("target/bench");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let twiggy_csv = wasm_twiggy_csv(&work);
    let floor = build_floor(&work)?;

    let origins = format!("http://127.0.0.1:{OURS_PORT},http://127.0.0.1:{BASELINE_PORT}");
    let _provider = suites::start_provider(&work, &[("DEVIDP_APP_ORIGINS", &origins)])?;
    let baseline_site = format!(
        "server {{\n  listen 127.0.0.1:{BASELINE_PORT};\n  root {};\n  include /etc/nginx/mime.types;\n  \
         gzip on;\n  gzip_types application/javascript;\n  location / {{ try_files $uri /index.html; }}\n}}\n",
        baseline.join("dist").display()
    );
    let config = suites::nginx_config(&work, &[(OURS_PORT, root().join("dist"))], &baseline_site)?;
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
        .env("BENCH_OURS_DIST", root().join("dist"))
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
    if let Some(csv) = twiggy_csv {
        bench.env("BENCH_TWIGGY_CSV", csv);
    }
    paths::run(&mut bench)
}

/// The framework's floor (bench/floor: Leptos and its router, nothing else) built like
/// the app: same release profile, wasm-bindgen, then the same wasm-opt as Trunk runs.
/// Returns the folder holding its wasm and JS glue.
fn build_floor(work: &std::path::Path) -> Result<std::path::PathBuf, String> {
    paths::run(command("cargo").args([
        "build",
        "--quiet",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "leptos-floor",
    ]))?;
    let out = work.join("floor");
    let _ = std::fs::remove_dir_all(&out);
    paths::run(
        command("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&out)
            .arg(root().join("target/wasm32-unknown-unknown/release/leptos-floor.wasm")),
    )?;
    let wasm = out.join("leptos-floor_bg.wasm");
    paths::run(
        command("wasm-opt")
            .args(WASM_OPT_ARGS)
            .arg(&wasm)
            .arg("-o")
            .arg(&wasm),
    )?;
    Ok(out)
}

/// twiggy's size listing of the release module as shipped (wasm-bindgen, then the
/// same wasm-opt as Trunk runs) but with its function names kept, or `None` when
/// twiggy is missing.
fn wasm_twiggy_csv(work: &std::path::Path) -> Option<std::path::PathBuf> {
    let wasm = root().join("target/wasm32-unknown-unknown/release/leptos-pkce.wasm");
    let named = work.join("named");
    paths::run(
        command("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&named)
            .arg(&wasm),
    )
    .ok()?;
    let optimized = named.join("optimized-with-names.wasm");
    paths::run(
        command("wasm-opt")
            .arg("-g")
            .args(WASM_OPT_ARGS)
            .arg(named.join("leptos-pkce_bg.wasm"))
            .arg("-o")
            .arg(&optimized),
    )
    .ok()?;
    let output = command("twiggy")
        .args(["top", "-n", "1000000", "--format", "csv"])
        .arg(&optimized)
        .output()
        .ok()?;
    let csv = work.join("twiggy.csv");
    std::fs::write(&csv, output.stdout).ok()?;
    Some(csv)
}
