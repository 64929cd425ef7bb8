//! Where things are, and running commands with the project's tools on PATH.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf()
}

/// Cargo's home (`CARGO_HOME`, else `~/.cargo`): where `cargo install` puts tools
/// (`bin/`) and records them (`.crates.toml`).
pub fn cargo_home() -> PathBuf {
    std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo"))
}

/// PATH with the npm-installed wasm-opt and cargo's bin directory first.
pub fn tool_path() -> String {
    let root = root();
    let cargo_bin = cargo_home().join("bin");
    format!(
        "{}:{}:{}",
        root.join("tools/node_modules/.bin").display(),
        cargo_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// A command run from the repository root with [`tool_path`].
pub fn command(program: &str) -> Command {
    let mut command = Command::new(program);
    command.current_dir(root()).env("PATH", tool_path());
    command
}

/// Runs a command to completion; an error names it when it fails.
pub fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

/// The first line a command prints, or `None` if it cannot run.
pub fn output_line(program: &str, args: &[&str]) -> Option<String> {
    let output = command(program).args(args).output().ok()?;
    output.status.success().then(|| {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_owned()
    })
}
