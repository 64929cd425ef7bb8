//! `cargo xtask bench` measures here: sizes of both builds, then N sign-ins in fresh
//! headless Chromium sessions for this app and for the auth0-react baseline, and
//! prints the side-by-side table (also written as JSON).
//!
//! Timings come from the page itself (Element Timing API, `elementtiming` on the
//! Sign In button and on the profile name), so WebDriver's polling adds nothing.
//! Environment: `BENCH_RUNS` (20), `BENCH_OURS_URL`, `BENCH_BASELINE_URL`,
//! `BENCH_OURS_DIST`, `BENCH_BASELINE_DIST`, `BENCH_SPA_JS`, `BENCH_FLOOR_DIST`, `BENCH_TWIGGY_CSV`,
//! `BENCH_PEERS` (`label=folder;…`: the Rust peers' reference apps, size only),
//! `BENCH_OUT`, and the `E2E_*` variables of the test suite.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use e2e::browser::Browser;
use e2e::provider::ProviderPages;
use e2e::Env;
use serde_json::{json, Value};
use url::Url;

struct Target {
    name: &'static str,
    url: String,
    sign_in: &'static str,
}

#[derive(Default)]
struct Runs {
    interactive_ms: Vec<f64>,
    callback_ms: Vec<f64>,
    serial_round_trips: Vec<usize>,
    requests: Vec<String>,
    /// Brotli bytes of the app's own files fetched before the Sign-in button's paint.
    first_load_home: Vec<u64>,
    /// The same on the callback document, before the profile's paint.
    first_load_callback: Vec<u64>,
}

fn var(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.into())
}

#[tokio::main]
async fn main() {
    let runs: usize = var("BENCH_RUNS", "20")
        .parse()
        .expect("BENCH_RUNS is a number");
    let env = Env::from_env();
    let targets = [
        Target {
            name: "leptos-pkce",
            url: var("BENCH_OURS_URL", "http://127.0.0.1:8090"),
            sign_in: ".hero .login-buttons .button.primary",
        },
        Target {
            name: "equal-page",
            url: var("BENCH_EQUAL_URL", "http://127.0.0.1:8099"),
            sign_in: "button.sign-in",
        },
        Target {
            name: "auth0-react",
            url: var("BENCH_BASELINE_URL", "http://127.0.0.1:8092"),
            sign_in: "button.sign-in",
        },
    ];
    let (sizes_ours, token_worker) =
        token_worker_apart(sizes(Path::new(&var("BENCH_OURS_DIST", "dist"))));
    let sizes_equal = sizes(Path::new(&var(
        "BENCH_EQUAL_DIST",
        "target/bench/equal-page",
    )));
    let sizes_baseline = sizes(Path::new(&var(
        "BENCH_BASELINE_DIST",
        "bench/baseline/dist",
    )));
    let floor = sizes(Path::new(&var("BENCH_FLOOR_DIST", "target/bench/floor")));
    let spa_js = sizes_of_file(Path::new(&var(
        "BENCH_SPA_JS",
        "bench/baseline/dist-spa-js/auth0-spa-js.min.js",
    )));
    let peers: Vec<(String, FileSizes)> = var("BENCH_PEERS", "")
        .split(';')
        .filter_map(|peer| peer.split_once('='))
        .map(|(label, dir)| (label.to_owned(), sizes(Path::new(dir))))
        .collect();

    // The two apps take turns, so a slow spell of the machine hits both alike.
    let mut results: Vec<Runs> = targets.iter().map(|_| Runs::default()).collect();
    for run in 1..=runs {
        eprint!("\rrun {run}/{runs} (each app once)   ");
        for ((target, measured), dist) in
            targets
                .iter()
                .zip(&mut results)
                .zip([&sizes_ours, &sizes_equal, &sizes_baseline])
        {
            measure(&env, target, dist, measured).await;
        }
    }
    eprintln!();

    let split = std::env::var("BENCH_TWIGGY_CSV")
        .ok()
        .and_then(|csv| wasm_split(Path::new(&csv)));
    print_token_worker(&token_worker);
    print_report(
        &[&sizes_ours, &sizes_equal, &sizes_baseline],
        &References {
            spa_js,
            floor: &floor,
            peers: &peers,
        },
        &results,
        split.as_ref(),
        runs,
    );
    let json = json!({
        "runs": runs,
        "sizes": { "leptos-pkce": files_json(&sizes_ours), "equal-page": files_json(&sizes_equal),
                   "auth0-react": files_json(&sizes_baseline),
                   "auth0-spa-js bundle": { "raw": spa_js.0, "gzip": spa_js.1, "brotli": spa_js.2 },
                   "leptos floor": files_json(&floor),
                   "rust peers": peers.iter().map(|(label, files)| (label.clone(), files_json(files)))
                       .collect::<serde_json::Map<_, _>>() },
        "timings": targets.iter().zip(&results).map(|(t, r)| (t.name.to_string(), json!({
            "interactive_ms": r.interactive_ms, "callback_to_profile_ms": r.callback_ms,
            "serial_round_trips": r.serial_round_trips, "callback_requests": r.requests,
        }))).collect::<serde_json::Map<_, _>>(),
        "first_load": targets.iter().zip(&results).map(|(t, r)| (t.name.to_string(), json!({
            "/": median_bytes(&r.first_load_home), "/callback": median_bytes(&r.first_load_callback),
        }))).collect::<serde_json::Map<_, _>>(),
        "all_chunks_brotli": { "leptos-pkce": wasm_total(&sizes_ours).2, "equal-page": wasm_total(&sizes_equal).2 },
        "token_worker": files_json(&token_worker),
        "wasm_split": split.map(|s| s.into_iter().map(|(k, v)| (k, json!(v))).collect::<serde_json::Map<_, _>>()),
    });
    let out = var("BENCH_OUT", "target/bench/results.json");
    if let Some(dir) = Path::new(&out).parent() {
        std::fs::create_dir_all(dir).expect("output directory");
    }
    std::fs::write(&out, serde_json::to_string_pretty(&json).expect("json"))
        .expect("write results");
    println!("\nresults: {out}");
}

/// One sign-in: home page to first interactive paint, then the callback to the
/// profile, in a fresh browser (cold cache, no provider session). `dist` is the
/// app's folder, for the bytes of its first loads.
async fn measure(env: &Env, target: &Target, dist: &FileSizes, runs: &mut Runs) {
    let browser = Browser::start(env).await;
    browser.goto(&format!("{}/", target.url)).await;
    browser.wait_for(target.sign_in).await;
    let interactive = element_time(&browser, "sign-in").await;
    let home_entries = loaded_entries(&browser).await;
    browser.click(target.sign_in).await;
    let provider = ProviderPages::new(&browser, env);
    provider.sign_in().await;
    provider.consent(true).await;
    browser.wait_for_url(&target.url).await;
    browser.wait_for("[data-testid=profile-name]").await;
    let callback = element_time(&browser, "profile").await;
    let callback_entries = loaded_entries(&browser).await;
    let requests = browser
        .eval(
            "return performance.getEntriesByType('resource').map(e => ({
               name: e.name.split('?')[0], type: e.initiatorType,
               start: e.startTime, end: e.responseEnd }))",
        )
        .await;
    browser.close().await;

    runs.interactive_ms.push(interactive);
    runs.callback_ms.push(callback);
    let origin = Url::parse(&target.url).expect("target URL");
    runs.first_load_home
        .push(first_load_brotli(&home_entries, interactive, &origin, dist));
    runs.first_load_callback.push(first_load_brotli(
        &callback_entries,
        callback,
        &origin,
        dist,
    ));
    let requests = requests.as_array().cloned().unwrap_or_default();
    runs.serial_round_trips
        .push(serial_round_trips(&requests, callback, &origin));
    if runs.requests.is_empty() {
        runs.requests = requests
            .iter()
            .map(|r| {
                let start = r["start"].as_f64().unwrap_or(0.0);
                format!(
                    "{:>6.0}–{:<6.0} ms  {:<14} {}{}",
                    start,
                    r["end"].as_f64().unwrap_or(0.0),
                    r["type"].as_str().unwrap_or(""),
                    r["name"].as_str().unwrap_or(""),
                    if start >= callback {
                        "  (after the profile is visible)"
                    } else {
                        ""
                    }
                )
            })
            .collect();
    }
}

/// When the element marked `elementtiming=identifier` was first painted, in ms since
/// the document's navigation started.
async fn element_time(browser: &Browser, identifier: &str) -> f64 {
    let script = "const id = arguments[0], done = arguments[arguments.length - 1];
        let best = null;
        const observer = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            const t = e.renderTime || e.loadTime;
            if (e.identifier === id && (best === null || t < best)) best = t;
          }
        });
        observer.observe({ type: 'element', buffered: true });
        setTimeout(() => { observer.disconnect(); done(best); }, 300);";
    let value = browser
        .client
        .execute_async(script, vec![json!(identifier)])
        .await
        .expect("element timing");
    value
        .as_f64()
        .unwrap_or_else(|| panic!("no element timing for {identifier}"))
}

/// The current document and every resource it fetched: (URL, start in ms since the
/// navigation started), from the browser's resource timing.
async fn loaded_entries(browser: &Browser) -> Vec<(String, f64)> {
    let entries = browser
        .eval(
            "return [performance.getEntriesByType('navigation')[0],
                     ...performance.getEntriesByType('resource')]
               .map(e => [e.name, e.startTime])",
        )
        .await;
    entries
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| Some((e[0].as_str()?.to_owned(), e[1].as_f64()?)))
        .collect()
}

/// Brotli bytes of the app's own files among `entries` that started before `paint_ms`,
/// each file once; fetches from other origins are left out.
fn first_load_brotli(
    entries: &[(String, f64)],
    paint_ms: f64,
    origin: &Url,
    dist: &FileSizes,
) -> u64 {
    entries
        .iter()
        .filter(|(_, start)| *start < paint_ms)
        .filter_map(|(url, _)| dist_file(url, origin, dist))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|file| dist[file].2)
        .sum()
}

/// The file of `dist` that the app at `origin` serves for `url`: the file its path
/// names, or index.html for `/` and any path that is no file there (query stripped).
fn dist_file<'a>(url: &str, origin: &Url, dist: &'a FileSizes) -> Option<&'a str> {
    let url = Url::parse(url).ok()?;
    if url.origin() != origin.origin() {
        return None;
    }
    let path = url.path().trim_start_matches('/');
    dist.get_key_value(path)
        .or_else(|| dist.get_key_value("index.html"))
        .map(|(name, _)| name.as_str())
}

/// The longest chain of fetches where each starts after the previous one ended: the
/// network round trips to the provider and the APIs the user waits for one after
/// another. Fetches that start once the profile is visible (at `visible_ms`) are not on
/// the callback path; the app's own files (at `origin`) are its code loading, as the
/// baseline's script and the module preloads are, whatever loads them (the split
/// build's head script fetches and compiles the callback's chunks with `fetch`).
fn serial_round_trips(requests: &[Value], visible_ms: f64, origin: &Url) -> usize {
    let mut fetches: Vec<(f64, f64)> = requests
        .iter()
        .filter(|r| matches!(r["type"].as_str(), Some("fetch" | "xmlhttprequest")))
        .filter(|r| {
            r["name"]
                .as_str()
                .and_then(|name| Url::parse(name).ok())
                .is_none_or(|url| url.origin() != origin.origin())
        })
        .filter_map(|r| Some((r["start"].as_f64()?, r["end"].as_f64()?)))
        .filter(|(start, _)| *start < visible_ms)
        .collect();
    fetches.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut depth = vec![1usize; fetches.len()];
    for i in 0..fetches.len() {
        for j in 0..i {
            if fetches[j].1 <= fetches[i].0 {
                depth[i] = depth[i].max(depth[j] + 1);
            }
        }
    }
    depth.into_iter().max().unwrap_or(0)
}

type FileSizes = BTreeMap<String, (u64, u64, u64)>;

fn sizes(dir: &Path) -> FileSizes {
    let mut files = FileSizes::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("dir entry").path();
        if path.is_file() {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            files.insert(name, sizes_of_file(&path));
        }
    }
    files
}

/// Raw, `gzip -9` and `brotli -q 11` bytes.
fn sizes_of_file(path: &Path) -> (u64, u64, u64) {
    let compressed = |program: &str, args: &[&str]| -> u64 {
        let output = Command::new(program)
            .args(args)
            .arg(path)
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(
            output.status.success(),
            "{program} failed on {}",
            path.display()
        );
        output.stdout.len() as u64
    };
    let raw = std::fs::metadata(path).expect("file size").len();
    (
        raw,
        compressed("gzip", &["-9", "-c"]),
        compressed("brotli", &["-q", "11", "-c"]),
    )
}

fn files_json(files: &FileSizes) -> Value {
    files
        .iter()
        .map(|(name, (raw, gzip, brotli))| {
            (
                name.clone(),
                json!({"raw": raw, "gzip": gzip, "brotli": brotli}),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// How the wasm's code and data split, from `twiggy top --format csv` of the shipped
/// module with its names kept: bytes per group.
fn wasm_split(csv: &Path) -> Option<BTreeMap<String, u64>> {
    let text = std::fs::read_to_string(csv).ok()?;
    let mut split = BTreeMap::new();
    for line in text.lines().skip(1) {
        // Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent; only
        // the name may hold commas.
        let parts: Vec<&str> = line.rsplitn(5, ',').collect();
        let (Some(name), Some(Ok(size))) = (parts.get(4), parts.get(3).map(|s| s.parse::<u64>()))
        else {
            continue;
        };
        let name = name.trim_matches('"');
        if name.starts_with("custom section") || name.contains("function names") {
            continue;
        }
        *split.entry(group(name).to_owned()).or_insert(0) += size;
    }
    Some(split)
}

const OTHER: &str = "other (unnamed, or no crate in the name)";
/// The auth library's group, printed again beside auth0-spa-js.
const LIBRARY: &str = "auth library (auth/ and oidc-browser-core/)";

fn group(symbol: &str) -> &'static str {
    if symbol.starts_with("data segment") {
        return "data (strings, tables)";
    }
    if symbol.starts_with("import ") || symbol.starts_with("export ") {
        return "wasm-bindgen, js-sys, web-sys";
    }
    let s = symbol.trim_start_matches(['<', '&', '*', ' ']);
    let s = s.strip_prefix("mut ").unwrap_or(s);
    let s = s.strip_prefix("dyn ").unwrap_or(s);
    group_of_path(s)
        // `<T as tachys::…>`, `<char as core::…>`: a generic or primitive self type,
        // so the trait's crate tells whose code it is.
        .or_else(|| {
            s.split_once(" as ")
                .and_then(|(_, path)| group_of_path(path))
        })
        .unwrap_or(OTHER)
}

fn group_of_path(s: &str) -> Option<&'static str> {
    // Names from the precompiled std carry a hash: `core[c5930c85a12de822]::…`.
    let crate_name = s.split("::").next().unwrap_or("");
    let crate_name = crate_name.split('[').next().unwrap_or(crate_name);
    Some(
        if s.starts_with("leptos_pkce_auth") || s.starts_with("oidc_browser_core") {
            LIBRARY
        } else if s.starts_with("leptos_pkce") {
            "app UI (pages, components)"
        } else if matches!(
            crate_name,
            "leptos"
                | "leptos_router"
                | "leptos_dom"
                | "tachys"
                | "reactive_graph"
                | "either_of"
                | "any_spawner"
                | "hydration_context"
                | "leptos_macro"
                | "oco_ref"
                | "or_poisoned"
                | "throw_error"
                | "send_wrapper"
                | "slotmap"
                | "indexmap"
                | "hashbrown"
                | "futures_util"
                | "futures_core"
                | "futures_channel"
                | "futures_executor"
                | "guardian"
                | "pin_project_lite"
                | "next_tuple"
        ) {
            "Leptos (leptos, tachys, reactive_graph, router)"
        } else if matches!(
            crate_name,
            "serde_json"
                | "serde"
                | "serde_core"
                | "sha2"
                | "base64"
                | "digest"
                | "block_buffer"
                | "thiserror"
                | "getrandom"
                | "gloo_net"
                | "gloo_storage"
                | "gloo_utils"
                | "zmij"
                | "itoa"
                | "ryu"
                | "memchr"
        ) {
            "auth dependencies (serde_json, sha2, base64, gloo)"
        } else if matches!(
            crate_name,
            "js_sys" | "web_sys" | "wasm_bindgen" | "wasm_bindgen_futures" | "import" | "export"
        ) {
            "wasm-bindgen, js-sys, web-sys"
        } else if matches!(
            crate_name,
            "core" | "alloc" | "std" | "dlmalloc" | "compiler_builtins" | "__rustc"
        ) {
            "Rust std (core, alloc)"
        } else {
            return None;
        },
    )
}

fn median_and_spread(values: &[f64]) -> (f64, f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.25), at(0.75))
}

/// The token worker's files (`token-worker*`), apart from the app's: a page fetches
/// none of them, and only an app with `token_mediation` registers the worker, which
/// then fetches them in the background.
fn token_worker_apart(mut files: FileSizes) -> (FileSizes, FileSizes) {
    let worker = files
        .keys()
        .filter(|name| name.starts_with("token-worker"))
        .cloned()
        .collect::<Vec<_>>();
    let worker = worker
        .into_iter()
        .filter_map(|name| files.remove_entry(&name))
        .collect();
    (files, worker)
}

fn print_token_worker(files: &FileSizes) {
    let (raw, gzip, brotli) = total(files);
    println!(
        "\ntoken worker (token_mediation: fetched by the service worker, by no page): \
         {} raw, {} gzip, {} brotli",
        kb(raw),
        kb(gzip),
        kb(brotli)
    );
}

fn total(files: &FileSizes) -> (u64, u64, u64) {
    files
        .values()
        .fold((0, 0, 0), |a, f| (a.0 + f.0, a.1 + f.1, a.2 + f.2))
}

/// Raw, gzip and brotli bytes of all `.wasm` files: the main module and its lazily
/// loaded chunks.
fn wasm_total(files: &FileSizes) -> (u64, u64, u64) {
    files
        .iter()
        .filter(|(name, _)| name.ends_with(".wasm"))
        .fold((0, 0, 0), |a, (_, f)| (a.0 + f.0, a.1 + f.1, a.2 + f.2))
}

/// The median of byte counts, as [`median_and_spread`] picks it (one of the values).
fn median_bytes(values: &[u64]) -> u64 {
    let values: Vec<f64> = values.iter().map(|&n| n as f64).collect();
    median_and_spread(&values).0 as u64
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// The reference lines printed beside the two apps.
struct References<'a> {
    /// The bare auth0-spa-js bundle: raw, gzip, brotli.
    spa_js: (u64, u64, u64),
    /// Leptos and its router alone.
    floor: &'a FileSizes,
    /// The Rust peers' smallest sign-in apps, by label.
    peers: &'a [(String, FileSizes)],
}

/// The apps in the order of [`main`]'s targets: the demo, the equal page, the
/// baseline (last: every ratio is to it).
const APPS: [&str; 3] = ["leptos-pkce", "equal-page", "auth0-react"];

fn print_report(
    apps: &[&FileSizes; 3],
    references: &References,
    timings: &[Runs],
    split: Option<&BTreeMap<String, u64>>,
    runs: usize,
) {
    let titles = [
        "leptos-pkce dist/ (the full demo)",
        "equal-page (the baseline's page on the library)",
        "auth0-react baseline",
    ];
    for (i, (title, files)) in titles.iter().zip(apps).enumerate() {
        println!("\n{title}");
        println!(
            "  {:<44} {:>10} {:>10} {:>10}",
            "file", "raw", "gzip", "brotli"
        );
        for (name, (raw, gzip, brotli)) in files.iter() {
            println!(
                "  {name:<44} {:>10} {:>10} {:>10}",
                kb(*raw),
                kb(*gzip),
                kb(*brotli)
            );
        }
        let (raw, gzip, brotli) = total(files);
        println!(
            "  {:<44} {:>10} {:>10} {:>10}",
            "total of all files",
            kb(raw),
            kb(gzip),
            kb(brotli)
        );
        if i < 2 {
            let (raw, gzip, brotli) = wasm_total(files);
            println!(
                "  {:<44} {:>10} {:>10} {:>10}",
                "all .wasm (main module + lazy chunks)",
                kb(raw),
                kb(gzip),
                kb(brotli)
            );
        }
    }
    println!(
        "\nreference: bare auth0-spa-js bundle {} raw, {} gzip, {} brotli",
        kb(references.spa_js.0),
        kb(references.spa_js.1),
        kb(references.spa_js.2)
    );
    let floor_total = total(references.floor);
    println!(
        "reference: Leptos + leptos_router alone (bench/floor, wasm + JS glue) {} raw, {} gzip, {} brotli",
        kb(floor_total.0),
        kb(floor_total.1),
        kb(floor_total.2)
    );
    for (label, files) in references.peers {
        let (raw, gzip, brotli) = total(files);
        println!(
            "reference: Rust peer {label} (bench/peers: the smallest app that signs in with it, \
             wasm + JS glue, built like ours) {} raw, {} gzip, {} brotli",
            kb(raw),
            kb(gzip),
            kb(brotli)
        );
    }

    println!("\nside by side ({runs} runs each, apps taking turns; timings: median, p25–p75; ratios to auth0-react)");
    println!(
        "  {:<46} {:>20} {:>20} {:>20} {:>6} {:>6}",
        "", APPS[0], APPS[1], APPS[2], "demo", "equal"
    );
    let line = |label: &str, cells: [String; 3], values: [f64; 3]| {
        println!(
            "  {label:<46} {:>20} {:>20} {:>20} {:>6.2} {:>6.2}",
            cells[0],
            cells[1],
            cells[2],
            values[0] / values[2],
            values[1] / values[2]
        );
    };
    let totals = apps.map(|files| total(files).2);
    line(
        "transfer, brotli, all files",
        totals.map(kb),
        totals.map(|n| n as f64),
    );
    let bytes = |label: &str, pick: &dyn Fn(&Runs) -> &[u64]| {
        let medians: [u64; 3] = std::array::from_fn(|i| median_bytes(pick(&timings[i])));
        line(label, medians.map(kb), medians.map(|n| n as f64));
    };
    bytes("first load at / (brotli, fetched before paint)", &|r| {
        &r.first_load_home
    });
    bytes("first load at the callback (before the profile)", &|r| {
        &r.first_load_callback
    });
    let row = |label: &str, pick: &dyn Fn(&Runs) -> Vec<f64>| {
        let spread: [(f64, f64, f64); 3] =
            std::array::from_fn(|i| median_and_spread(&pick(&timings[i])));
        line(
            label,
            spread.map(|(m, a, b)| format!("{m:.0} ms ({a:.0}–{b:.0})")),
            spread.map(|(m, _, _)| m),
        );
    };
    row("navigation to first interactive paint", &|r| {
        r.interactive_ms.clone()
    });
    row("callback URL to profile visible", &|r| {
        r.callback_ms.clone()
    });
    let trips: [f64; 3] = std::array::from_fn(|i| {
        median_and_spread(
            &timings[i]
                .serial_round_trips
                .iter()
                .map(|&n| n as f64)
                .collect::<Vec<_>>(),
        )
        .0
    });
    line(
        "serial fetch round trips, callback",
        trips.map(|n| format!("{n:.0}")),
        trips,
    );
    for (name, runs) in APPS.iter().zip(timings) {
        println!("\n{name}: requests on the callback path, in order");
        for request in &runs.requests {
            println!("  {request}");
        }
    }
    if let Some(split) = split {
        let sum: u64 = split.values().sum();
        // twiggy reads the demo's whole program (unsplit, names kept): shares of all
        // its wasm, main module and chunks together.
        let wasm_brotli = wasm_total(apps[0]).2;
        println!("\nwasm split (twiggy on the demo's whole program, names kept; brotli share pro rata of all its wasm)");
        let mut groups: Vec<_> = split.iter().collect();
        groups.sort_by(|a, b| b.1.cmp(a.1));
        for (group, bytes) in groups {
            let share = *bytes as f64 / sum as f64;
            println!(
                "  {group:<50} {:>6.1}%  ~{}",
                share * 100.0,
                kb((share * wasm_brotli as f64) as u64)
            );
        }
        let library = split.get(LIBRARY).copied().unwrap_or(0) as f64 / sum as f64;
        println!(
            "\nthe auth library alone: ~{} brotli (its share of the wasm), beside auth0-spa-js's {}",
            kb((library * wasm_brotli as f64) as u64),
            kb(references.spa_js.2)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{dist_file, first_load_brotli, group, serial_round_trips, FileSizes};
    use url::Url;

    /// A dist folder: file name to (raw, gzip, brotli), brotli only here.
    fn dist() -> FileSizes {
        [
            ("index.html", 1),
            ("app-1a2b.js", 10),
            ("config.json", 100),
            ("chunk_4-9f.wasm", 1000),
        ]
        .into_iter()
        .map(|(name, brotli)| (name.to_owned(), (0, 0, brotli)))
        .collect()
    }

    #[test]
    fn serial_round_trips_count_the_provider_and_apis_not_the_apps_own_files() {
        let origin = Url::parse("http://127.0.0.1:8099").unwrap();
        let request = |name: &str, start: f64, end: f64| serde_json::json!({ "name": name, "type": "fetch", "start": start, "end": end });
        let requests = [
            request("http://127.0.0.1:8099/chunk_4-9f.wasm", 48.0, 62.0),
            request("http://127.0.0.1:4000/oauth/token", 104.0, 122.0),
            request("http://127.0.0.1:4000/userinfo", 130.0, 140.0),
            request("http://127.0.0.1:4000/late", 300.0, 310.0),
        ];
        assert_eq!(
            serial_round_trips(&requests, 200.0, &origin),
            2,
            "token, then userinfo"
        );
        assert_eq!(
            serial_round_trips(&requests[..2], 200.0, &origin),
            1,
            "the chunk is code"
        );
    }

    #[test]
    fn urls_map_to_the_dist_file_they_are_served_from() {
        let (origin, dist) = (Url::parse("http://127.0.0.1:8090").unwrap(), dist());
        for (url, expected) in [
            ("http://127.0.0.1:8090/", Some("index.html")),
            (
                "http://127.0.0.1:8090/callback?code=x&state=y",
                Some("index.html"),
            ),
            ("http://127.0.0.1:8090/app-1a2b.js", Some("app-1a2b.js")),
            ("http://127.0.0.1:8090/config.json?v=2", Some("config.json")),
            ("http://127.0.0.1:9000/app-1a2b.js", None),
            ("http://127.0.0.1:9000/authorize", None),
        ] {
            assert_eq!(dist_file(url, &origin, &dist), expected, "{url}");
        }
    }

    #[test]
    fn first_load_sums_the_apps_files_fetched_before_the_paint_once() {
        let origin = Url::parse("http://127.0.0.1:8090").unwrap();
        let entries: Vec<(String, f64)> = [
            ("http://127.0.0.1:8090/callback?code=x", 0.0),
            ("http://127.0.0.1:8090/app-1a2b.js", 5.0),
            ("http://127.0.0.1:9000/token", 20.0),
            ("http://127.0.0.1:8090/config.json", 30.0),
            ("http://127.0.0.1:8090/config.json", 40.0),
            ("http://127.0.0.1:8090/chunk_4-9f.wasm", 150.0),
        ]
        .into_iter()
        .map(|(url, start)| (url.to_owned(), start))
        .collect();
        assert_eq!(first_load_brotli(&entries, 100.0, &origin, &dist()), 111);
        assert_eq!(first_load_brotli(&entries, 200.0, &origin, &dist()), 1111);
    }

    #[test]
    fn symbols_are_grouped_by_whose_code_they_are() {
        for (symbol, expected) in [
            ("oidc_browser_core::id_token::jwt::DecodedJwt::decode::h1", "auth library (auth/ and oidc-browser-core/)"),
            ("leptos_pkce_auth::context::Auth::login::h8", "auth library (auth/ and oidc-browser-core/)"),
            ("leptos_pkce::config::AppConfig::from_json::h7", "app UI (pages, components)"),
            ("leptos_pkce::pages::profile::Profile::h2", "app UI (pages, components)"),
            ("<T as tachys::view::any_view::IntoAny>::into_any::build::h3", "Leptos (leptos, tachys, reactive_graph, router)"),
            ("<Match as leptos_router::nested_router::AddNestedRoute>::build::h4", "Leptos (leptos, tachys, reactive_graph, router)"),
            ("core[c5930c85a12de822]::str::slice_error_fail", "Rust std (core, alloc)"),
            ("<char as core::fmt::Debug>::fmt::h5", "Rust std (core, alloc)"),
            ("<&mut serde_json::de::Deserializer<R> as serde_core::de::Deserializer>::deserialize_any::h6", "auth dependencies (serde_json, sha2, base64, gloo)"),
            ("import ./leptos-pkce_bg.js __wbg_fetch_1", "wasm-bindgen, js-sys, web-sys"),
            ("data segment \".rodata\"", "data (strings, tables)"),
            ("code[12]", "other (unnamed, or no crate in the name)"),
        ] {
            assert_eq!(group(symbol), expected, "{symbol}");
        }
    }
}
