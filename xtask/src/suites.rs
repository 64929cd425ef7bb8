//! `cargo xtask test`: every suite, each one's counts, and a summary at the end.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::paths::{self, command, root};
use crate::service::Service;
use crate::{release, setup};

/// Ports of the end-to-end set-up (dev uses 8080, so both can run at once).
pub const PROVIDER_PORT: u16 = 4000;
pub const APP_PORT: u16 = 8090;
/// The same build, configured to keep the refresh token in IndexedDB.
const PERSISTENT_APP_PORT: u16 = 8091;
/// The same build, redeeming codes through the provider's fault-injection route.
const FAULTS_APP_PORT: u16 = 8093;
/// The same build against a generic OpenID Connect provider without RP-initiated
/// logout (a second local provider on [`GENERIC_PROVIDER_PORT`]).
const GENERIC_APP_PORT: u16 = 8094;
pub const GENERIC_PROVIDER_PORT: u16 = 4001;
/// The same build against the generic provider, with DPoP on and a connection the
/// provider refuses: its logins are pushed (RFC 9126), which that provider requires.
const PAR_APP_PORT: u16 = 8089;
/// The same build with two providers side by side: the local provider by default,
/// and the second one (django-oauth-toolkit) as `partners`, sharing `/callback`.
const PAIR_APP_PORT: u16 = 8088;
/// The same build, opened as `http://localhost:PORT`: another site than the provider
/// on 127.0.0.1, so the provider's cookies stay out of the app's iframes.
const CROSS_SITE_APP_PORT: u16 = 8095;
/// The same build, whose `config.json` a test may rewrite while a user is signing in
/// (a deployment between sign-in and callback).
const SWITCH_APP_PORT: u16 = 8096;
/// The same build with DPoP on and the refresh token in IndexedDB.
const DPOP_APP_PORT: u16 = 8097;
/// The same build against the second, independent provider (django-oauth-toolkit,
/// `devidp2/`) on [`SECOND_PROVIDER_PORT`].
const SECOND_APP_PORT: u16 = 8098;
pub const SECOND_PROVIDER_PORT: u16 = 4002;
/// The name the second provider's service goes by (its pid is handed to the tests,
/// which rotate its signing key with SIGHUP).
const SECOND_PROVIDER: &str = "second identity provider (django-oauth-toolkit)";
pub const CHROMEDRIVER_PORT: u16 = 9515;
/// The app whose tokens the token worker keeps (`token_mediation`), with the e2e
/// page that speaks the worker's protocol.
const MEDIATED_APP_PORT: u16 = 8087;
/// The same with `dpop: true`: the worker makes the key and signs the proofs.
const MEDIATED_DPOP_APP_PORT: u16 = 8084;
/// The local provider's APIs behind another origin: the mediated app's allow-list.
const LISTED_API_PORT: u16 = 8086;
/// The same APIs behind an origin no allow-list names.
const UNLISTED_API_PORT: u16 = 8085;

/// Passed and failed tests of one suite.
struct Counts {
    suite: &'static str,
    passed: u32,
    failed: u32,
}

/// The browser tests: the library's glue (its unit tests) and the app's views (its
/// tests/ folder), run by wasm-bindgen-test-runner in the browser its driver names.
const BROWSER_TEST_ARGS: [&str; 9] = [
    "test",
    "--target",
    "wasm32-unknown-unknown",
    "-p",
    "leptos-pkce-auth",
    "--lib",
    "-p",
    "leptos-pkce",
    "--tests",
];

/// Sets up, then runs the native, browser and end-to-end suites.
pub fn run() -> Result<(), String> {
    setup::for_tests()?;
    let mut results = Vec::new();

    banner("quality gates (rustfmt, clippy native and wasm32, rustdoc)");
    results.push(quality_gates());

    banner("native tests (cargo test)");
    results.push(cargo_test(
        "native",
        command("cargo").args(["test", "--workspace", "--exclude", "e2e"]),
    ));
    results.push(cargo_test(
        "bench",
        command("cargo").args(["test", "-p", "e2e", "--bin", "bench"]),
    ));

    banner("browser tests (wasm-bindgen-test in headless Chromium)");
    // The library's glue (its unit tests) and the app's views (its tests/ folder).
    results.push(cargo_test_in(
        "browser",
        Some("Chrome"),
        command("cargo")
            .args(BROWSER_TEST_ARGS)
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")
            .env("WASM_BINDGEN_TEST_TIMEOUT", "60"),
    ));
    banner("browser tests again in headless Firefox ESR (geckodriver)");
    results.push(cargo_test_in(
        "browser (Firefox)",
        Some("Firefox"),
        command("cargo")
            .args(BROWSER_TEST_ARGS)
            .env_remove("CHROMEDRIVER")
            .env("GECKODRIVER", crate::setup::geckodriver_path())
            .env("WASM_BINDGEN_TEST_TIMEOUT", "60"),
    ));

    banner("release build (trunk build --release), the example app and the README's quick start (debug)");
    build_release()?;
    build_example()?;
    crate::quickstart::build()?;

    banner("end-to-end tests (headless Chromium, then Firefox ESR; nginx, local providers)");
    results.extend(end_to_end(E2eRuns::Both));
    summary(&results)
}

/// The wasm32 packages: the two library crates, the app, the example, the bench's
/// equal page and the token worker.
const WASM_PACKAGES: [&str; 12] = [
    "-p",
    "oidc-browser-core",
    "-p",
    "leptos-pkce-auth",
    "-p",
    "leptos-pkce",
    "-p",
    "leptos-pkce-example",
    "-p",
    "leptos-pkce-equal-page",
    "-p",
    "leptos-pkce-token-worker",
];

/// `cargo fmt --check`; clippy with warnings denied for the native workspace and for
/// the wasm32 packages (the UI and the glue compile only there); both library crates'
/// docs with warnings denied (`missing_docs` is on in both); the core's dependency
/// tree; both crates' publish dry run. Each gate counts as one test.
fn quality_gates() -> Result<Counts, String> {
    let clippy = |target: Option<&str>| {
        let mut cargo = command("cargo");
        cargo.args(["clippy", "--all-targets"]);
        match target {
            Some(target) => cargo.args(["--target", target]).args(WASM_PACKAGES),
            None => cargo.args(["--workspace"]),
        };
        cargo.args(["--", "-D", "warnings"]);
        cargo
    };
    let mut doc = command("cargo");
    doc.args(["doc", "--no-deps", "--target", "wasm32-unknown-unknown"])
        .args(
            crate::publishing::PUBLISHED
                .iter()
                .flat_map(|name| ["-p", name]),
        )
        .env("RUSTDOCFLAGS", "-D warnings");
    let mut fmt = command("cargo");
    fmt.args(["fmt", "--all", "--check"]);
    let mut counts = Counts {
        suite: "checks",
        passed: 0,
        failed: 0,
    };
    for (name, mut gate) in [
        ("cargo fmt --check", fmt),
        ("clippy (native)", clippy(None)),
        ("clippy (wasm32)", clippy(Some("wasm32-unknown-unknown"))),
        ("cargo doc (both library crates)", doc),
    ] {
        println!("--- {name}");
        match gate.status() {
            Ok(status) if status.success() => counts.passed += 1,
            _ => {
                println!("--- {name}: FAILED");
                counts.failed += 1;
            }
        }
    }
    for (name, gate) in [
        (
            "the core's cargo tree has no browser or Leptos crate",
            crate::publishing::core_has_no_front_end as fn() -> Result<(), String>,
        ),
        (
            "cargo publish --dry-run (both library crates)",
            crate::publishing::crates_package,
        ),
    ] {
        println!("--- {name}");
        match gate() {
            Ok(()) => counts.passed += 1,
            Err(why) => {
                println!("--- {name}: FAILED: {why}");
                counts.failed += 1;
            }
        }
    }
    Ok(counts)
}

/// `cargo xtask e2e [FILTER…]`: only the end-to-end suite, after a release build.
pub fn run_e2e(args: &[String]) -> Result<(), String> {
    setup::for_tests()?;
    build_release()?;
    build_example()?;
    crate::quickstart::build()?;
    let runs = match args.split_first() {
        Some((flag, filters)) if flag == "--firefox" => E2eRuns::Firefox(filters),
        _ => E2eRuns::Chromium(args),
    };
    summary(&end_to_end(runs))
}

/// Which end-to-end runs to make.
enum E2eRuns<'a> {
    /// The whole suite in Chromium, then [`FIREFOX_JOURNEYS`] in Firefox.
    Both,
    /// The tests these filters select, in Chromium (all when none).
    Chromium(&'a [String]),
    /// The tests these filters select, in Firefox ([`FIREFOX_JOURNEYS`] when none).
    Firefox(&'a [String]),
}

/// The journeys run in Firefox too: sign-in and the callback's attacks, reloads on the
/// same site and across sites, renewal, sign-out across tabs, the popup, the Back
/// button, DPoP and the second, independent provider. What a test reads of the
/// console is Chromium's only (geckodriver has no log endpoint), and the rest of the
/// suite repeats these paths. Each Firefox session gets its own geckodriver (it serves
/// one at a time), started by the suite; two run at once, as in Chromium.
const FIREFOX_JOURNEYS: [&str; 21] = [
    "sign_in::sign_in_lands_on_the_profile_with_a_clean_address_bar",
    "sign_in::forged_callback_shows_an_error_and_nobody_is_signed_in",
    "sign_in::an_already_used_callback_url_is_never_redeemed_again",
    "attacks::another_tabs_state_is_refused",
    "attacks::a_code_injected_from_another_session_is_useless_without_its_verifier",
    "attacks::the_back_button_never_returns_to_the_callback_url",
    "session::a_reload_keeps_the_user_signed_in_with_no_token_at_rest",
    "session::across_sites_a_reload_signs_back_in_through_a_top_level_redirect",
    "session::the_access_token_renews_without_the_user_noticing",
    "session::signing_out_in_one_tab_signs_the_other_out",
    "popup::a_popup_login_signs_in_and_the_page_keeps_its_state",
    "popup::a_blocked_popup_is_a_clear_error",
    "journeys::back_from_the_providers_page_to_a_cached_page_offers_sign_in_again",
    "journeys::back_from_the_provider_after_a_users_click_offers_sign_in_in_either_engine",
    "dpop::sign_in_renewal_and_api_calls_are_bound_to_the_browsers_key",
    "second_provider::second_provider_sign_in_reload_renew_and_sign_out",
    "journeys::after_a_reload_the_silent_sign_ins_refresh_token_renews_the_session",
    "token_worker::script_in_the_page_gets_no_token_while_the_apis_work_and_sign_out_reaches_every_tab",
    "token_worker::a_new_worker_version_takes_over_the_open_page_and_the_session_comes_back",
    "token_worker::the_app_signs_in_through_the_worker_calls_its_api_and_holds_no_token",
    "token_worker_dpop::with_dpop_the_workers_key_binds_every_token_and_page_script_gets_no_key",
];

fn end_to_end(runs: E2eRuns<'_>) -> Vec<Result<Counts, String>> {
    let servers = match start_e2e_servers() {
        Ok(servers) => servers,
        Err(error) => return vec![Err(error)],
    };
    let second_pid = servers
        .iter()
        .find(|service| service.name() == SECOND_PROVIDER)
        .map(|service| service.pid().to_string())
        .unwrap_or_default();
    let e2e = |filters: &[String], threads: &str| {
        let mut cargo = command("cargo");
        cargo
            .args(["test", "-p", "e2e", "--test", "e2e", "--"])
            .arg(format!("--test-threads={threads}"))
            .args(filters)
            .env("E2E_APP_URL", format!("http://127.0.0.1:{APP_PORT}"))
            .env(
                "E2E_PERSISTENT_APP_URL",
                format!("http://127.0.0.1:{PERSISTENT_APP_PORT}"),
            )
            .env(
                "E2E_FAULTS_APP_URL",
                format!("http://127.0.0.1:{FAULTS_APP_PORT}"),
            )
            .env(
                "E2E_GENERIC_APP_URL",
                format!("http://127.0.0.1:{GENERIC_APP_PORT}"),
            )
            .env(
                "E2E_PAR_APP_URL",
                format!("http://127.0.0.1:{PAR_APP_PORT}"),
            )
            .env(
                "E2E_PAIR_APP_URL",
                format!("http://127.0.0.1:{PAIR_APP_PORT}"),
            )
            .env(
                "E2E_CROSS_SITE_APP_URL",
                format!("http://localhost:{CROSS_SITE_APP_PORT}"),
            )
            .env(
                "E2E_SWITCH_APP_URL",
                format!("http://127.0.0.1:{SWITCH_APP_PORT}"),
            )
            .env("E2E_SWITCH_CONFIG", switch_config_path())
            .env(
                "E2E_DPOP_APP_URL",
                format!("http://127.0.0.1:{DPOP_APP_PORT}"),
            )
            .env(
                "E2E_SECOND_APP_URL",
                format!("http://127.0.0.1:{SECOND_APP_PORT}"),
            )
            .env(
                "E2E_SECOND_IDP_URL",
                format!("http://127.0.0.1:{SECOND_PROVIDER_PORT}"),
            )
            .env("E2E_SECOND_IDP_PID", &second_pid)
            .env(
                "E2E_QUICKSTART_APP_URL",
                format!("http://127.0.0.1:{}", crate::quickstart::PORT),
            )
            .env("E2E_IDP_URL", format!("http://127.0.0.1:{PROVIDER_PORT}"));
        cargo
    };
    let firefox = |filters: &[String]| -> Result<Counts, String> {
        // The journeys by their exact names, and all of them: a renamed test must fail
        // the run, not leave it one journey short.
        let journeys: Vec<String> = FIREFOX_JOURNEYS
            .iter()
            .map(|t| (*t).to_owned())
            .chain(["--exact".to_owned()])
            .collect();
        let all_journeys = filters.is_empty();
        let filters = if all_journeys { &journeys[..] } else { filters };
        let mut counts = cargo_test(
            "e2e (Firefox)",
            e2e(filters, "2")
                .env("E2E_BROWSER", "firefox")
                .env("E2E_GECKODRIVER", setup::geckodriver_path()),
        )?;
        let ran = counts.passed + counts.failed;
        if all_journeys && ran as usize != FIREFOX_JOURNEYS.len() {
            println!(
                "FAILED: {ran} of the {} Firefox journeys ran (a name in FIREFOX_JOURNEYS matches no test)",
                FIREFOX_JOURNEYS.len()
            );
            counts.failed += 1;
        }
        Ok(counts)
    };
    let chromium = |filters: &[String]| {
        cargo_test(
            "e2e",
            e2e(filters, "2").env("E2E_BROWSER", "chromium").env(
                "E2E_WEBDRIVER",
                format!("http://127.0.0.1:{CHROMEDRIVER_PORT}"),
            ),
        )
    };
    let mut results = match runs {
        E2eRuns::Both => vec![chromium(&[]), firefox(&[])],
        E2eRuns::Chromium(filters) => vec![chromium(filters)],
        E2eRuns::Firefox(filters) => vec![firefox(filters)],
    };
    // Every test ran under deploy/'s Content-Security-Policy, reporting violations to
    // the provider's collector: the whole suite must have left none.
    let clean = match csp_reports() {
        Ok(reports) if reports.trim() == "[]" => true,
        Ok(reports) => {
            let first: String = reports.chars().take(600).collect();
            println!(
                "CSP violations reported during the suite ({} bytes of reports); the first: {first}",
                reports.len()
            );
            false
        }
        Err(error) => {
            println!("the CSP collector did not answer: {error}");
            false
        }
    };
    results.push(Ok(Counts {
        suite: "e2e (CSP reports)",
        passed: u32::from(clean),
        failed: u32::from(!clean),
    }));
    drop(servers);
    results
}

/// The CSP violation reports the provider's collector received (a JSON list).
fn csp_reports() -> Result<String, String> {
    use std::io::{Read, Write};
    let mut stream =
        std::net::TcpStream::connect(("127.0.0.1", PROVIDER_PORT)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(b"GET /faults/csp-reports HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|e| e.to_string())?;
    answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .ok_or_else(|| "no HTTP answer".into())
}

/// Builds the release `dist/` (see [`release`]).
pub fn build_release() -> Result<(), String> {
    release::build()
}

/// Where the example app's debug build goes: served at `/example/` beside the app.
fn example_dist_root() -> PathBuf {
    root().join("target/example-dist")
}

/// Builds the example app (`examples/minimal`) in debug mode, into
/// `target/example-dist/example/`: a second app on the library, as a user writes one.
pub fn build_example() -> Result<(), String> {
    paths::run(
        command("trunk")
            .args(["build", "--offline"])
            .current_dir(root().join("examples/minimal")),
    )
}

fn banner(title: &str) {
    println!("\n==> {title}");
}

/// Runs a `cargo test` command, echoing its output and adding up its counts. A suite
/// that fails to build counts as one failure.
fn cargo_test(suite: &'static str, command: &mut Command) -> Result<Counts, String> {
    cargo_test_in(suite, None, command)
}

/// [`cargo_test`] of wasm-bindgen tests that must run in `browser` (as
/// wasm-bindgen-test-runner names it: `Chrome`, `Firefox`): a run in which the runner
/// never says so (a driver variable it did not take, say) fails.
fn cargo_test_in(
    suite: &'static str,
    browser: Option<&str>,
    command: &mut Command,
) -> Result<Counts, String> {
    let mut ran_in_browser = false;
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run the {suite} tests: {e}"))?;
    let mut counts = Counts {
        suite,
        passed: 0,
        failed: 0,
    };
    let stdout = child.stdout.take().expect("piped stdout");
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        println!("{line}");
        ran_in_browser |= browser.is_some_and(|browser| ran_in(&line, browser));
        if let Some(rest) = line.strip_prefix("test result: ") {
            counts.passed += number_before(rest, " passed");
            counts.failed += number_before(rest, " failed");
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() && counts.failed == 0 {
        counts.failed = 1;
    }
    if let (Some(browser), false) = (browser, ran_in_browser) {
        println!("FAILED: the {suite} tests never said they ran in {browser}");
        counts.failed += 1;
    }
    Ok(counts)
}

/// Whether `line` is wasm-bindgen-test-runner's word that the tests run in `browser`.
fn ran_in(line: &str, browser: &str) -> bool {
    line.starts_with("Running headless tests in ") && line.contains(&format!(" in {browser} on "))
}

fn number_before(text: &str, label: &str) -> u32 {
    text.split(';')
        .find_map(|part| {
            part.trim()
                .trim_start_matches("ok. ")
                .trim_start_matches("FAILED. ")
                .strip_suffix(label)
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

fn summary(results: &[Result<Counts, String>]) -> Result<(), String> {
    println!("\n==> summary");
    let mut ok = true;
    for result in results {
        match result {
            Ok(c) => {
                let verdict = if c.failed == 0 && c.passed > 0 {
                    "ok"
                } else {
                    "FAILED"
                };
                ok &= verdict == "ok";
                println!(
                    "{:<8} {:>4} passed {:>4} failed   {verdict}",
                    c.suite, c.passed, c.failed
                );
            }
            Err(error) => {
                ok = false;
                println!("error    {error}");
            }
        }
    }
    if ok {
        Ok(())
    } else {
        Err("some tests failed (or a suite ran none)".into())
    }
}

/// The provider, nginx serving `dist/` with the `deploy/` configuration, and
/// chromedriver; all stopped when the returned guards drop.
fn start_e2e_servers() -> Result<Vec<Service>, String> {
    let work = root().join("target/e2e");
    let provider = start_provider(
        &work,
        &[
            // Short-lived access tokens, so renewal happens within a test; slow token
            // answers, so two tabs' refreshes overlap.
            ("DEVIDP_ACCESS_TOKEN_TTL", "45"),
            ("DEVIDP_TOKEN_DELAY_MS", "300"),
            ("DEVIDP_FAULTS", "1"),
            // The app made from the README registers its origin as the README says.
            // and so does the app with two providers.
            (
                "DEVIDP_APP_ORIGINS",
                &format!(
                    "http://127.0.0.1:{},http://127.0.0.1:{PAIR_APP_PORT},\
                     http://127.0.0.1:{MEDIATED_APP_PORT},\
                     http://127.0.0.1:{MEDIATED_DPOP_APP_PORT}",
                    crate::quickstart::PORT
                ),
            ),
        ],
    )?;
    // A generic provider (issuer, not an Auth0 domain) with no logout endpoint, which
    // takes only pushed logins (RFC 9126): every login of its apps, the popup's and
    // the hidden frame's too, must push.
    let generic_provider = start_provider_on(
        &work,
        GENERIC_PROVIDER_PORT,
        &[
            ("DEVIDP_LOGOUT", "off"),
            ("DEVIDP_PAR", "required"),
            (
                "DEVIDP_APP_ORIGINS",
                &format!("http://127.0.0.1:{PAR_APP_PORT}"),
            ),
        ],
    )?;
    let second_provider = start_second_provider(&work)?;
    let second_idp = format!("http://127.0.0.1:{SECOND_PROVIDER_PORT}");
    let generic_idp = format!("http://127.0.0.1:{GENERIC_PROVIDER_PORT}");
    let generic_config = (
        r#""domain": "http://127.0.0.1:4000""#,
        &*format!(r#""issuer": "{generic_idp}/""#),
    );
    // The example app lives under /example/ of the main app's origin.
    let example = format!(
        "location ^~ /example/ {{\n        expires -1;\n        root {};\n        \
         try_files $uri /example/index.html;\n    }}\n\n    ",
        example_dist_root().display()
    );
    let config = nginx_config(
        &work,
        &[
            Site::new(APP_PORT, root().join("dist")).with_locations(&example),
            Site::new(
                PERSISTENT_APP_PORT,
                dist_variant(&work, "persistent", PERSISTENT_CONFIG)?,
            ),
            Site::new(
                FAULTS_APP_PORT,
                dist_variant(&work, "faults", FAULTS_CONFIG)?,
            ),
            Site::new(
                GENERIC_APP_PORT,
                dist_variant(&work, "generic", generic_config)?,
            )
            .with_provider(&generic_idp),
            Site::new(PAR_APP_PORT, par_dist(&work, generic_config)?).with_provider(&generic_idp),
            Site::new(CROSS_SITE_APP_PORT, root().join("dist")),
            Site::new(SWITCH_APP_PORT, dist_variant(&work, "switch", NO_EDIT)?)
                .with_locations(UNFRAMED_FALLBACK),
            Site::new(DPOP_APP_PORT, dist_variant(&work, "dpop", DPOP_CONFIG)?),
            Site::new(SECOND_APP_PORT, second_provider_dist(&work, &second_idp)?)
                .with_provider(&second_idp),
            Site::new(PAIR_APP_PORT, pair_dist(&work, &second_idp)?)
                .with_provider(&format!("http://127.0.0.1:{PROVIDER_PORT} {second_idp}")),
            Site::new(MEDIATED_APP_PORT, mediated_dist(&work)?).with_api(&format!(
                "http://127.0.0.1:{LISTED_API_PORT} http://127.0.0.1:{UNLISTED_API_PORT}"
            )),
            Site::new(MEDIATED_DPOP_APP_PORT, mediated_dpop_dist(&work)?)
                .with_api(&format!("http://127.0.0.1:{LISTED_API_PORT}")),
        ],
        &format!(
            "{}{}{}",
            crate::quickstart::nginx_server(),
            api_proxy(LISTED_API_PORT),
            api_proxy(UNLISTED_API_PORT)
        ),
    )?;
    let nginx = start_nginx(&work, &config, APP_PORT)?;
    let chromedriver = start_chromedriver(&work)?;
    Ok(vec![
        chromedriver,
        nginx,
        second_provider,
        generic_provider,
        provider,
    ])
}

/// A copy of `dist/` for the generic provider (`to_generic` is the generic app's
/// edit) with DPoP on, the refresh token in IndexedDB, and a second connection,
/// `gitlab`, that the provider does not enable: its pushed request is refused.
fn par_dist(work: &std::path::Path, to_generic: (&str, &str)) -> Result<PathBuf, String> {
    let dist = dist_variant(work, "par", to_generic)?;
    let config_path = dist.join("config.json");
    let config = std::fs::read_to_string(&config_path).map_err(|e| e.to_string())?;
    let edited = config
        .replace(DPOP_CONFIG.0, DPOP_CONFIG.1)
        .replace(PAR_CONNECTIONS.0, PAR_CONNECTIONS.1);
    if edited.matches(DPOP_CONFIG.1).count() != 1 || !edited.contains(PAR_CONNECTIONS.1) {
        return Err(format!(
            "public/config.json must contain {} and {}",
            DPOP_CONFIG.0, PAR_CONNECTIONS.0
        ));
    }
    std::fs::write(&config_path, edited).map_err(|e| e.to_string())?;
    Ok(dist)
}

/// config.json edit for the PAR app: a connection the generic provider refuses.
const PAR_CONNECTIONS: (&str, &str) = (
    r#""connections": [{ "name": "github", "label": "GitHub" }]"#,
    r#""connections": [{ "name": "github", "label": "GitHub" }, { "name": "gitlab", "label": "GitLab" }]"#,
);

/// The second, independent provider (django-oauth-toolkit, `devidp2/`), with a fresh
/// data folder (users, client and signing key made anew) and 45-second access tokens,
/// so renewal happens within a test.
fn start_second_provider(work: &std::path::Path) -> Result<Service, String> {
    let data = work.join("devidp2-data");
    let _ = std::fs::remove_dir_all(&data);
    let mut python = command(
        &root()
            .join("devidp2/.venv/bin/python")
            .display()
            .to_string(),
    );
    python
        .arg(root().join("devidp2/serve.py"))
        .env("DEVIDP2_PORT", SECOND_PROVIDER_PORT.to_string())
        .env(
            "DEVIDP2_APP_ORIGINS",
            format!("http://127.0.0.1:{SECOND_APP_PORT},http://127.0.0.1:{PAIR_APP_PORT}"),
        )
        .env("DEVIDP2_DATA", &data)
        .env("DEVIDP2_ACCESS_TOKEN_TTL", "45");
    Service::start(
        SECOND_PROVIDER,
        &mut python,
        SECOND_PROVIDER_PORT,
        Some(&work.join(format!("provider-{SECOND_PROVIDER_PORT}.log"))),
    )
}

/// A copy of `dist/` configured for the second provider: its issuer (discovery, no
/// Auth0 assumptions) and client, and nothing of the first provider's APIs.
fn second_provider_dist(work: &std::path::Path, idp: &str) -> Result<PathBuf, String> {
    let dist = dist_variant(work, "second", NO_EDIT)?;
    let config = format!(
        r#"{{
  "issuer": "{idp}/o",
  "client_id": "spa-dev2",
  "scope": "openid profile email offline_access",
  "refresh_token_storage": "memory"
}}
"#
    );
    std::fs::write(dist.join("config.json"), config).map_err(|e| e.to_string())?;
    Ok(dist)
}

/// A copy of `dist/` with a second provider beside the default one: `partners`, the
/// second provider's client, sharing the default's callback path.
fn pair_dist(work: &std::path::Path, second_idp: &str) -> Result<PathBuf, String> {
    let partners = format!(
        r#""refresh_token_storage": "memory",
  "providers": {{
    "partners": {{
      "issuer": "{second_idp}/o",
      "client_id": "spa-dev2",
      "scope": "openid profile email offline_access"
    }}
  }},"#
    );
    dist_variant(
        work,
        "pair",
        (r#""refresh_token_storage": "memory","#, &partners),
    )
}

/// The local provider on [`PROVIDER_PORT`] with extra environment, logging to `work`.
pub fn start_provider(work: &std::path::Path, env: &[(&str, &str)]) -> Result<Service, String> {
    start_provider_on(work, PROVIDER_PORT, env)
}

/// A local provider on `port` (its issuer `http://127.0.0.1:PORT/`), logging to
/// `work/provider-PORT.log`.
fn start_provider_on(
    work: &std::path::Path,
    port: u16,
    env: &[(&str, &str)],
) -> Result<Service, String> {
    std::fs::create_dir_all(work).map_err(|e| e.to_string())?;
    let mut node = command("node");
    node.arg("server.js")
        .current_dir(root().join("devidp"))
        .env("DEVIDP_PORT", port.to_string())
        .envs(env.iter().copied());
    Service::start(
        "identity provider",
        &mut node,
        port,
        Some(&work.join(format!("provider-{port}.log"))),
    )
}

/// nginx with `config` (from [`nginx_config`]), ready once `port` answers.
pub fn start_nginx(
    work: &std::path::Path,
    config: &std::path::Path,
    port: u16,
) -> Result<Service, String> {
    Service::start(
        "nginx",
        command("/usr/sbin/nginx")
            .args(["-p", &work.display().to_string(), "-c"])
            .arg(config),
        port,
        Some(&work.join("nginx.out")),
    )
}

/// chromedriver on [`CHROMEDRIVER_PORT`], logging to `work`.
pub fn start_chromedriver(work: &std::path::Path) -> Result<Service, String> {
    Service::start(
        "chromedriver",
        command("/usr/bin/chromedriver").arg(format!("--port={CHROMEDRIVER_PORT}")),
        CHROMEDRIVER_PORT,
        Some(&work.join("chromedriver.log")),
    )
}

/// config.json edit for the app that keeps its refresh token in IndexedDB.
const PERSISTENT_CONFIG: (&str, &str) = (
    r#""refresh_token_storage": "memory""#,
    r#""refresh_token_storage": "indexed_db""#,
);
/// config.json edit for the app whose token requests go through the fault route.
const FAULTS_CONFIG: (&str, &str) = (
    r#""refresh_token_storage": "memory""#,
    r#""refresh_token_storage": "memory", "token_endpoint": "http://127.0.0.1:4000/faults/token", "userinfo_endpoint": "http://127.0.0.1:4000/faults/userinfo", "jwks_uri": "http://127.0.0.1:4000/faults/jwks", "http_timeout_secs": 5"#,
);

/// A copy of `dist/` whose tokens the token worker keeps: the default provider with
/// `token_mediation`, the listed API origin (the app's API is there: this `api_url`
/// comes after the built one, and JSON's last one counts), every field the e2e page's
/// digest reads spelled out, and the code redeemed through the provider's fault route (a test
/// holds one exchange); with that page beside the app.
fn mediated_dist(work: &std::path::Path) -> Result<PathBuf, String> {
    let settings = format!(
        r#""refresh_token_storage": "memory", "token_mediation": "service_worker",
  "api_origins": ["http://127.0.0.1:{LISTED_API_PORT}"], "storage_prefix": "mediated",
  "redirect_uri": "http://127.0.0.1:{MEDIATED_APP_PORT}/callback",
  "token_endpoint": "http://127.0.0.1:{PROVIDER_PORT}/faults/token",
  "api_url": "http://127.0.0.1:{LISTED_API_PORT}/api/private""#
    );
    let dist = dist_variant(
        work,
        "mediated",
        (r#""refresh_token_storage": "memory""#, &settings),
    )?;
    for page in ["token-worker-check.html", "token-worker-check.js"] {
        std::fs::copy(root().join("e2e/fixtures").join(page), dist.join(page))
            .map_err(|e| format!("e2e/fixtures/{page}: {e}"))?;
    }
    Ok(dist)
}

/// A copy of `dist/` whose tokens the token worker keeps and binds to its own DPoP
/// key: the default provider with `token_mediation` and `dpop`, its API on the
/// listed origin, the code redeemed at the provider's own token endpoint (a DPoP
/// proof names the URL it is sent to, which the fault route's forwarding would
/// change).
fn mediated_dpop_dist(work: &std::path::Path) -> Result<PathBuf, String> {
    let settings = format!(
        r#""refresh_token_storage": "memory", "token_mediation": "service_worker",
  "dpop": true, "api_origins": ["http://127.0.0.1:{LISTED_API_PORT}"],
  "storage_prefix": "mediated-dpop",
  "redirect_uri": "http://127.0.0.1:{MEDIATED_DPOP_APP_PORT}/callback",
  "api_url": "http://127.0.0.1:{LISTED_API_PORT}/api/private""#
    );
    dist_variant(
        work,
        "mediated-dpop",
        (r#""refresh_token_storage": "memory""#, &settings),
    )
}

/// An nginx server on `port` passing `/api/` on to the local provider's APIs, as an
/// API of its own origin would be (CORS answered by the provider, for the app origins;
/// the origin asked for in `X-Forwarded-Host`, which a DPoP proof's `htu` names).
fn api_proxy(port: u16) -> String {
    format!(
        "server {{\n    listen 127.0.0.1:{port};\n    location /api/ {{\n        \
         proxy_set_header X-Forwarded-Host $http_host;\n        \
         proxy_pass http://127.0.0.1:{PROVIDER_PORT};\n    }}\n}}\n"
    )
}

/// config.json edit for the app that binds its tokens to a DPoP key.
const DPOP_CONFIG: (&str, &str) = (
    r#""refresh_token_storage": "memory""#,
    r#""refresh_token_storage": "indexed_db", "dpop": true"#,
);

/// config.json edit that turns DPoP on and nothing else (the bench's `--dpop`).
pub const DPOP_ONLY: (&str, &str) = (
    r#""refresh_token_storage": "memory""#,
    r#""refresh_token_storage": "memory", "dpop": true"#,
);

/// config.json as built, for a site whose test edits it.
const NO_EDIT: (&str, &str) = ("", "");

/// On the switch app: a path the provider accepts as a redirect URI, answered like a
/// server with no silent-callback page there and no framing rule (a plain
/// single-page fallback, `trunk serve`): the app itself, framable by its own origin.
/// e2e `deployments::an_app_served_where_the_silent_page_should_be_…` points
/// `silent_redirect_uri` at it.
const UNFRAMED_FALLBACK: &str = "location = /example/auth/callback {
        expires -1;
        add_header Content-Security-Policy \"default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: $idp_origin $picture_origins; connect-src 'self' $idp_origin $api_origin; frame-src 'self' $idp_origin; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; object-src 'none'\" always;
        add_header X-Frame-Options \"SAMEORIGIN\" always;
        try_files /index.html =404;
    }

    ";

/// The config.json the switch app serves.
fn switch_config_path() -> PathBuf {
    root().join("target/e2e/dist-switch/config.json")
}

/// A copy of `dist/` under `target/e2e/dist-NAME` with one edit to its config.json
/// (none for [`NO_EDIT`]).
pub fn dist_variant(
    work: &std::path::Path,
    name: &str,
    (from, to): (&str, &str),
) -> Result<PathBuf, String> {
    let target = work.join(format!("dist-{name}"));
    let _ = std::fs::remove_dir_all(&target);
    std::fs::create_dir_all(&target).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(root().join("dist")).map_err(|e| format!("dist/: {e}"))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_file() {
            std::fs::copy(&path, target.join(path.file_name().expect("a file name")))
                .map_err(|e| e.to_string())?;
        }
    }
    let config_path = target.join("config.json");
    let config = std::fs::read_to_string(&config_path).map_err(|e| e.to_string())?;
    let edited = if from.is_empty() {
        config.clone()
    } else {
        config.replace(from, to)
    };
    if edited == config && !from.is_empty() {
        return Err(format!("public/config.json must contain {from}"));
    }
    std::fs::write(&config_path, edited).map_err(|e| e.to_string())?;
    Ok(target)
}

/// One server of the test nginx: the `deploy/` server block on `port` serving `dist`.
pub struct Site {
    port: u16,
    dist: PathBuf,
    provider: Option<String>,
    api: Option<String>,
    locations: String,
}

impl Site {
    /// `dist` on `port`, against the local provider.
    pub fn new(port: u16, dist: PathBuf) -> Self {
        Self {
            port,
            dist,
            provider: None,
            api: None,
            locations: String::new(),
        }
    }

    /// With the APIs at `origins` (the CSP's `$api_origin`).
    fn with_api(mut self, origins: &str) -> Self {
        self.api = Some(origins.to_owned());
        self
    }

    /// Against the provider at `origin` (the CSP's `$idp_origin`).
    fn with_provider(mut self, origin: &str) -> Self {
        self.provider = Some(origin.to_owned());
        self
    }

    /// With `locations` before the catch-all `location /`.
    fn with_locations(mut self, locations: &str) -> Self {
        self.locations = locations.to_owned();
        self
    }
}

/// A throwaway nginx.conf: for each site the `deploy/leptos-pkce.conf` server with
/// only the port, the root (and where asked the provider's origin and extra
/// locations) changed, so the tests run under the deployed headers and routing; then
/// any `extra` server blocks.
pub fn nginx_config(
    work: &std::path::Path,
    sites: &[Site],
    extra: &str,
) -> Result<PathBuf, String> {
    let template = std::fs::read_to_string(root().join("deploy/leptos-pkce.conf"))
        .map_err(|e| format!("deploy/leptos-pkce.conf: {e}"))?;
    let mut site = String::new();
    for Site {
        port,
        dist,
        provider,
        api,
        locations,
    } in sites
    {
        let listen = format!("listen 127.0.0.1:{port};");
        let root_line = format!("root {};", dist.display());
        let mut server = template
            .replace("listen 80;", &listen)
            .replace("root /var/www/leptos-pkce;", &root_line)
            .replace(
                "object-src 'none'",
                &format!("object-src 'none'; report-uri http://127.0.0.1:{PROVIDER_PORT}/faults/csp-report"),
            );
        if !(server.contains(&listen) && server.contains(&root_line)) {
            return Err(
                "deploy/leptos-pkce.conf no longer has `listen 80;` and its root line".into(),
            );
        }
        if !server.contains("report-uri") {
            return Err(
                "deploy/leptos-pkce.conf's CSP no longer ends in object-src 'none': the tests \
                 could not collect its violations"
                    .into(),
            );
        }
        for (what, from, to) in [
            (
                "the provider's origin",
                "set $idp_origin \"http://127.0.0.1:4000\";",
                provider
                    .as_ref()
                    .map(|origin| format!("set $idp_origin \"{origin}\";")),
            ),
            (
                "the API origin",
                "set $api_origin \"http://127.0.0.1:4000\";",
                api.as_ref()
                    .map(|origins| format!("set $api_origin \"{origins}\";")),
            ),
            (
                "the catch-all location",
                "location / {",
                (!locations.is_empty()).then(|| format!("{locations}location / {{")),
            ),
        ] {
            if let Some(to) = to {
                if !server.contains(from) {
                    return Err(format!("deploy/leptos-pkce.conf no longer has {what}"));
                }
                server = server.replace(from, &to);
            }
        }
        site.push_str(&server);
    }
    site.push_str(extra);
    std::fs::create_dir_all(work.join("nginx-temp")).map_err(|e| e.to_string())?;
    let temp = work.join("nginx-temp").display().to_string();
    let user = if paths::output_line("id", &["-u"]).as_deref() == Some("0") {
        "user root;\n"
    } else {
        ""
    };
    let config = format!(
        "{user}worker_processes 1;\ndaemon off;\nerror_log {w}/nginx-error.log;\npid {w}/nginx.pid;\n\
         events {{}}\nhttp {{\n  access_log {w}/nginx-access.log;\n  client_body_temp_path {temp};\n  \
         proxy_temp_path {temp};\n  fastcgi_temp_path {temp};\n  uwsgi_temp_path {temp};\n  \
         scgi_temp_path {temp};\n{site}\n}}\n",
        w = work.display()
    );
    let path = work.join("nginx.conf");
    std::fs::write(&path, config).map_err(|e| e.to_string())?;
    Ok(path)
}

#[cfg(test)]
mod browser_line_tests {
    use super::ran_in;

    #[test]
    fn only_the_runners_word_for_that_browser_counts() {
        let firefox = "Running headless tests in Firefox on `http://127.0.0.1:44897/`";
        assert!(ran_in(firefox, "Firefox"));
        assert!(!ran_in(firefox, "Chrome"));
        assert!(ran_in(
            "Running headless tests in Chrome on `http://127.0.0.1:42735/`",
            "Chrome"
        ));
        assert!(!ran_in("test in Firefox on the side", "Firefox"));
    }
}
