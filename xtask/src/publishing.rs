//! The checks that keep the two library crates adoptable: the core's dependency tree
//! holds no browser or UI framework (it must build for a native harness, a service
//! worker or another framework), and both crates package and pass a publish dry run.

use crate::paths::command;

/// The crates no part of the core may depend on, directly or through another crate.
const FRONT_END: [&str; 7] = [
    "wasm-bindgen",
    "web-sys",
    "js-sys",
    "gloo",
    "leptos",
    "tachys",
    "reactive_graph",
];

/// The crates the library publishes, the core first (the Leptos crate depends on it).
pub const PUBLISHED: [&str; 2] = ["oidc-browser-core", "leptos-pkce-auth"];

/// The front-end crates in a `cargo tree --prefix none` listing (one `name vX.Y.Z` a
/// line), by their names or their families (`gloo-net`, `leptos_router`).
fn front_end_crates(tree: &str) -> Vec<String> {
    let mut found: Vec<String> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| {
            FRONT_END.iter().any(|bad| {
                name == bad
                    || name.starts_with(&format!("{bad}-"))
                    || name.starts_with(&format!("{bad}_"))
            })
        })
        .map(str::to_owned)
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Gate: `cargo tree` of the core, for every target, has no front-end crate.
pub fn core_has_no_front_end() -> Result<(), String> {
    let output = command("cargo")
        .args([
            "tree",
            "--offline",
            "-p",
            PUBLISHED[0],
            "-e",
            "normal,build",
            "--target",
            "all",
            "--prefix",
            "none",
        ])
        .output()
        .map_err(|e| format!("cargo tree: {e}"))?;
    let tree = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || tree.lines().count() < 3 {
        return Err(format!(
            "cargo tree of {} failed: {}",
            PUBLISHED[0],
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    match front_end_crates(&tree).as_slice() {
        [] => {
            let count = tree.lines().count() - 1;
            println!(
                "{} depends on {count} crates, none of them front-end",
                PUBLISHED[0]
            );
            Ok(())
        }
        found => Err(format!("{} depends on {}", PUBLISHED[0], found.join(", "))),
    }
}

/// Gate: both crates package and pass `cargo publish --dry-run`, built for wasm32 (the
/// Leptos crate's code exists only there). Without the network, the dry run cannot
/// reach the registry: then `cargo package --offline`, which packages and builds the
/// same files, must pass, and the summary says so.
pub fn crates_package() -> Result<(), String> {
    let cargo = |args: &[&str]| {
        let mut cmd = command("cargo");
        cmd.args(args);
        for name in PUBLISHED {
            cmd.args(["-p", name]);
        }
        cmd.args(["--allow-dirty", "--target", "wasm32-unknown-unknown"]);
        cmd.status().map(|s| s.success()).unwrap_or(false)
    };
    if cargo(&["publish", "--dry-run"]) {
        return Ok(());
    }
    println!("cargo publish --dry-run failed (no registry?): cargo package --offline instead");
    if cargo(&["package", "--offline"]) {
        println!("packaged offline; the publish dry run did not run");
        Ok(())
    } else {
        Err("cargo package of the library crates failed".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_front_end_crate_anywhere_in_the_tree_is_found() {
        let clean = "oidc-browser-core v0.1.0 (/w/oidc-browser-core)\nbase64 v0.22.1\nserde v1.0.228\nthiserror v2.0.17\n";
        assert!(front_end_crates(clean).is_empty());
        let dirty = format!("{clean}wasm-bindgen v0.2.130\ngloo-net v0.6.0\nwasm-bindgen-shared v0.2.130\nwasm-bindgen v0.2.130\n");
        assert_eq!(
            front_end_crates(&dirty),
            ["gloo-net", "wasm-bindgen", "wasm-bindgen-shared"]
        );
        assert_eq!(
            front_end_crates("leptos_router v0.8.0\n"),
            ["leptos_router"]
        );
    }
}
