//! Installs what is missing, and nothing else: every step checks first.

use std::path::Path;

use crate::paths::{command, output_line, root, run};
use crate::split;

/// The Trunk release that builds with this machine's Rust (0.22 needs a newer rustc).
const TRUNK_VERSION: &str = "0.21.14";

/// What `cargo xtask dev` and `build` need: the wasm target, Trunk, wasm-bindgen-cli,
/// wasm-opt from npm, and the local provider's packages.
pub fn for_build() -> Result<(), String> {
    wasm_target()?;
    trunk()?;
    wasm_bindgen_cli()?;
    npm_packages("tools")?;
    for_provider()
}

/// What `cargo xtask idp` needs: the local provider's npm packages.
pub fn for_provider() -> Result<(), String> {
    npm_packages("devidp")
}

/// What `cargo xtask bench` adds to the test tools: brotli, twiggy and the
/// baseline's npm packages.
pub fn for_bench() -> Result<(), String> {
    for_tests()?;
    debian_packages(&[("/usr/bin/brotli", "brotli")])?;
    npm_packages("bench/baseline")?;
    if output_line("twiggy", &["--version"]).is_none() {
        step("cargo install twiggy (about 3 minutes)");
        run(command("cargo").args(["install", "twiggy", "--locked"]))?;
    }
    Ok(())
}

/// Everything `cargo xtask test` needs: the above, plus Chromium and chromedriver,
/// Firefox ESR and geckodriver, nginx, and the second local provider
/// (django-oauth-toolkit in a Python venv).
pub fn for_tests() -> Result<(), String> {
    for_build()?;
    debian_packages(&[
        ("/usr/bin/chromium", "chromium"),
        ("/usr/bin/chromedriver", "chromium-driver"),
        ("/usr/bin/firefox-esr", "firefox-esr"),
        ("/usr/sbin/nginx", "nginx"),
    ])?;
    geckodriver()?;
    second_provider()
}

/// geckodriver, the WebDriver server for Firefox: a crate on crates.io, this version.
pub const GECKODRIVER_VERSION: &str = "0.37.1";

/// Where `cargo install` puts geckodriver.
pub fn geckodriver_path() -> std::path::PathBuf {
    crate::paths::cargo_home().join("bin/geckodriver")
}

fn geckodriver() -> Result<(), String> {
    let path = geckodriver_path();
    let installed = path
        .to_str()
        .and_then(|p| output_line(p, &["--version"]))
        .is_some_and(|v| v.starts_with(&format!("geckodriver {GECKODRIVER_VERSION}")));
    if installed {
        return Ok(());
    }
    step(&format!(
        "cargo install geckodriver {GECKODRIVER_VERSION} (about 2 minutes)"
    ));
    run(command("cargo").args([
        "install",
        "geckodriver",
        "--version",
        GECKODRIVER_VERSION,
        "--locked",
    ]))
}

/// The Python the second provider's venv is made with: Debian's, whatever else is on
/// PATH (pyenv and the like).
const SYSTEM_PYTHON: &str = "/usr/bin/python3";

/// devidp2's venv with exactly the packages of `devidp2/requirements.txt` (all pinned),
/// from PyPI: made anew when the requirements changed since it was made.
fn second_provider() -> Result<(), String> {
    let folder = root().join("devidp2");
    let venv = folder.join(".venv");
    let wanted = std::fs::read_to_string(folder.join("requirements.txt"))
        .map_err(|e| format!("devidp2/requirements.txt: {e}"))?;
    // The interpreter's version is part of what was installed: a Debian Python upgrade
    // breaks the venv's link to it, and the venv is made anew.
    let python = output_line(SYSTEM_PYTHON, &["--version"]).unwrap_or_default();
    let wanted = format!("{python}\n{wanted}");
    let marker = venv.join("installed-requirements.txt");
    if std::fs::read_to_string(&marker).is_ok_and(|installed| installed == wanted) {
        return Ok(());
    }
    // Debian's python3 makes venvs only with python3-venv (ensurepip) installed.
    let can_make_venvs = command(SYSTEM_PYTHON)
        .args(["-c", "import ensurepip, venv"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !can_make_venvs {
        apt_install(&["python3-venv"])?;
    }
    step("python3 -m venv devidp2/.venv; pip install -r devidp2/requirements.txt");
    let _ = std::fs::remove_dir_all(&venv);
    run(command(SYSTEM_PYTHON).args(["-m", "venv"]).arg(&venv))?;
    run(command(&venv.join("bin/pip").display().to_string()).args([
        "install",
        "--disable-pip-version-check",
        "--no-input",
        "--quiet",
        "-r",
        &folder.join("requirements.txt").display().to_string(),
    ]))?;
    std::fs::write(&marker, wanted).map_err(|e| e.to_string())
}

/// The wasm splitter (`wasm-split-cli`) of [`split::SPLITTER_VERSION`], built with
/// nightly (it uses `if let` guards); only the release build needs it.
pub fn splitter() -> Result<(), String> {
    if split::splitter_installed() {
        return Ok(());
    }
    step(&format!(
        "cargo +nightly install wasm_split_cli_support {} (about 4 minutes)",
        split::SPLITTER_VERSION
    ));
    run(command("cargo").args([
        "+nightly",
        "install",
        "wasm_split_cli_support",
        "--version",
        split::SPLITTER_VERSION,
        "--features",
        "build-binary",
        "--locked",
    ]))
}

fn step(what: &str) {
    println!("\n==> xtask setup: {what}");
}

fn wasm_target() -> Result<(), String> {
    let installed = command("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"));
    if installed {
        return Ok(());
    }
    step("rustup target add wasm32-unknown-unknown");
    run(command("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn trunk() -> Result<(), String> {
    if output_line("trunk", &["--version"]).as_deref() == Some(&format!("trunk {TRUNK_VERSION}")) {
        return Ok(());
    }
    step(&format!(
        "cargo install trunk {TRUNK_VERSION} (about 10 minutes)"
    ));
    run(command("cargo").args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))
}

/// The `wasm-bindgen` version in Cargo.lock: the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("Cargo.lock names no wasm-bindgen".into())
}

fn wasm_bindgen_cli() -> Result<(), String> {
    let version = locked_wasm_bindgen_version()?;
    let wanted = format!("wasm-bindgen {version}");
    let have =
        |program| output_line(program, &["--version"]).is_some_and(|v| v.starts_with(&wanted));
    if have("wasm-bindgen") && output_line("wasm-bindgen-test-runner", &["--version"]).is_some() {
        return Ok(());
    }
    step(&format!(
        "cargo install wasm-bindgen-cli {version} (about 3 minutes)"
    ));
    // Without --locked: that release's lockfile names a crate version the registry lacks.
    run(command("cargo").args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &version,
        "--force",
    ]))
}

fn npm_packages(dir: &str) -> Result<(), String> {
    let folder = root().join(dir);
    let marker = folder.join("node_modules/.package-lock.json");
    if is_newer_or_same(&marker, &folder.join("package-lock.json")) {
        return Ok(());
    }
    step(&format!("npm ci in {dir}/"));
    run(command("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(folder))
}

fn is_newer_or_same(file: &Path, than: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(file), modified(than)), (Some(a), Some(b)) if a >= b)
}

fn debian_packages(wanted: &[(&str, &str)]) -> Result<(), String> {
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(binary, _)| !Path::new(binary).exists())
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    apt_install(&missing)
}

/// `apt-get update`, then `apt-get install -y` of `missing` (as root, or through sudo).
fn apt_install(missing: &[&str]) -> Result<(), String> {
    step(&format!("apt-get install {}", missing.join(" ")));
    let as_root = output_line("id", &["-u"]).as_deref() == Some("0");
    let apt = |args: &[&str]| {
        let mut cmd = if as_root {
            command("apt-get")
        } else {
            command("sudo")
        };
        if !as_root {
            cmd.arg("apt-get");
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut cmd)
    };
    apt(&["update"])?;
    let mut args = vec!["install", "-y"];
    args.extend(missing);
    apt(&args)
}
