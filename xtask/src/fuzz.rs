//! `cargo xtask fuzz [--seconds N]`: every cargo-fuzz target for N seconds (60), with
//! the executions each ran, starting from the committed seeds in `oidc-browser-core/fuzz/seeds/TARGET/`
//! (new inputs go to the untracked `oidc-browser-core/fuzz/corpus/TARGET/`). A crash or a broken property
//! stops with the input saved under `oidc-browser-core/fuzz/artifacts/`; turn it into a regression test
//! in the module it broke.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::paths::{command, output_line, root, run};

/// The targets in `oidc-browser-core/fuzz/fuzz_targets/`.
const TARGETS: [&str; 10] = [
    "callback",
    "id_token",
    "token_response",
    "jwks",
    "config",
    "form",
    "return_to",
    "discovery",
    "transaction",
    "api_origin",
];

/// Installs cargo-fuzz when missing, then runs each target in turn.
pub fn run_all(args: &[String]) -> Result<(), String> {
    let seconds = match args {
        [] => 60,
        [flag, n] if flag == "--seconds" => {
            n.parse::<u32>().map_err(|_| "--seconds takes a number")?
        }
        _ => return Err("usage: cargo xtask fuzz [--seconds N]".into()),
    };
    if output_line("cargo", &["fuzz", "--version"]).is_none() {
        println!("\n==> xtask setup: cargo install cargo-fuzz");
        run(command("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let mut summary = Vec::new();
    for target in TARGETS {
        println!("\n==> fuzz {target} for {seconds} s");
        let fuzz = root().join("oidc-browser-core/fuzz");
        let corpus = fuzz.join("corpus").join(target);
        std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
        let seeds = fuzz.join("seeds").join(target);
        // Safe Rust: no sanitizer needed to catch what matters here (panics, hangs,
        // runaway memory), and none needs a nightly compiler.
        let mut child = command("cargo")
            .current_dir(&fuzz)
            .args(["fuzz", "run", "-s", "none", target])
            .arg(&corpus)
            // Structured targets (form) have no text seeds.
            .args(seeds.is_dir().then_some(&seeds))
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .args(["-timeout=5", "-rss_limit_mb=2048", "-print_final_stats=1"])
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cargo fuzz: {e}"))?;
        let mut runs = String::from("?");
        let stderr = child.stderr.take().expect("piped stderr");
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("Done ") {
                runs = rest.split(' ').next().unwrap_or("?").to_owned();
            }
            let build_error = line.starts_with("error") || line.trim_start().starts_with("-->");
            if build_error
                || line.starts_with("==")
                || line.contains("panicked")
                || line.contains("SUMMARY")
            {
                eprintln!("{line}");
            }
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!(
                "fuzz target {target} failed; see fuzz/artifacts/{target}/"
            ));
        }
        summary.push(format!(
            "{target:<16} {runs:>12} executions in {seconds} s, no crash"
        ));
    }
    println!("\n==> fuzz summary");
    for line in summary {
        println!("{line}");
    }
    Ok(())
}
