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
    forget_stale_package_sources(&crate::paths::cargo_home().join("registry/src"));
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

/// Removes what earlier packaging runs extracted of [`PUBLISHED`] under `sources`
/// (the cargo home's `registry/src`). `cargo package` verifies the Leptos crate
/// against the core through a local registry of the packaged crates, extracted to
/// `registry/src/-<hash of the target dir>/NAME-VERSION`, and cargo reuses an
/// extracted directory by its name: a core packaged anew under the same version (any
/// change before a release) would be verified against its old sources, and the gate
/// would fail on API the core has had since (seen on this machine's second clone).
fn forget_stale_package_sources(sources: &std::path::Path) {
    let Ok(registries) = std::fs::read_dir(sources) else {
        return;
    };
    for registry in registries.flatten() {
        // Local registries only: crates.io's directory is `index.crates.io-<hash>`.
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        let Ok(crates) = std::fs::read_dir(registry.path()) else {
            continue;
        };
        for extracted in crates.flatten() {
            if is_published_source(&extracted.file_name().to_string_lossy()) {
                let _ = std::fs::remove_dir_all(extracted.path());
            }
        }
    }
}

/// Whether `directory` is an extracted `NAME-VERSION` of one of [`PUBLISHED`].
fn is_published_source(directory: &str) -> bool {
    PUBLISHED.iter().any(|name| {
        directory
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_extracted_sources_of_the_published_crates_go_and_nothing_else() {
        let sources = std::env::temp_dir().join(format!("xtask-stale-{}", std::process::id()));
        let local = sources.join("-14cd1cce6819ff87");
        let index = sources.join("index.crates.io-1949cf8c6b5b557f");
        for dir in [
            local.join("oidc-browser-core-0.1.0"),
            local.join("leptos-pkce-auth-0.1.0"),
            local.join("oidc-browser-core-extra-1.0.0"),
            index.join("oidc-browser-core-0.1.0"),
            index.join("serde-1.0.0"),
        ] {
            std::fs::create_dir_all(&dir).unwrap();
        }
        forget_stale_package_sources(&sources);
        assert!(!local.join("oidc-browser-core-0.1.0").exists());
        assert!(!local.join("leptos-pkce-auth-0.1.0").exists());
        assert!(
            local.join("oidc-browser-core-extra-1.0.0").exists(),
            "another crate"
        );
        assert!(
            index.join("oidc-browser-core-0.1.0").exists(),
            "crates.io's own are left"
        );
        assert!(index.join("serde-1.0.0").exists());
        let _ = std::fs::remove_dir_all(&sources);
    }

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
