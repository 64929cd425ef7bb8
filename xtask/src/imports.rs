//! No import circle in the workspace: for each crate, the graph of its files, an edge
//! where one file `use`s an item of another (`crate::…`, `super::…`, `self::…`), must
//! have no cycle. A module folder's `mod.rs` and the files inside it are one unit
//! (a parent declares and re-exports its children, the children use the parent's
//! types): edges between a module and its ancestors are left out. Read from the
//! source text, so the check needs no compiler; `#[cfg(test)]` modules at the end of a
//! file are left out (their `super` is the file itself).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path, `["browser", "flow"]` for `browser/flow.rs`.
type ModulePath = Vec<String>;

/// Every `.rs` file under `src` with its module path.
fn modules(src: &Path) -> BTreeMap<ModulePath, PathBuf> {
    let mut found = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("under src");
            let mut parts: Vec<String> = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            found.insert(parts, path);
        }
    }
    found
}

/// The paths a `use` tree names: `crate::{a, b::{c, d}}` is `crate::a`, `crate::b::c`
/// and `crate::b::d`.
fn expand(tree: &str) -> Vec<String> {
    // `a as b` keeps its name as `a@b`; then no whitespace is left to trip on.
    let tree: String = tree
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" as ", "@")
        .split_whitespace()
        .collect();
    let Some(open) = tree.find('{') else {
        return vec![tree];
    };
    let close = tree.rfind('}').unwrap_or(tree.len());
    let prefix = &tree[..open];
    let inner = &tree[open + 1..close];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&format!("{prefix}{p}")))
        .collect()
}

/// The `use` paths of a file's text, before any `#[cfg(test)]` module.
fn use_paths(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]\nmod ").next().unwrap_or(text);
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = &rest[..at];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let lead = before[line_start..].trim();
        let statement = matches!(lead, "" | "pub" | "pub(crate)" | "pub(super)");
        let after = &rest[at + 4..];
        let end = after.find(';').unwrap_or(after.len());
        if statement {
            paths.extend(expand(&after[..end]));
        }
        rest = &after[end.min(after.len())..];
    }
    paths
}

/// The module a `use` path of the module `from` names, resolved against `known`
/// (the longest known prefix); `None` for another crate's path.
fn target(
    path: &str,
    from: &ModulePath,
    known: &BTreeMap<ModulePath, PathBuf>,
) -> Option<ModulePath> {
    let mut segments = path.split("::").map(str::to_owned);
    let mut current: ModulePath = match segments.next()?.as_str() {
        "crate" => Vec::new(),
        "self" => from.clone(),
        "super" => from[..from.len().checked_sub(1)?].to_vec(),
        _ => return None,
    };
    let mut best = current.clone();
    for segment in segments {
        if segment == "super" {
            current.pop();
            best = current.clone();
            continue;
        }
        current.push(segment.split('@').next()?.to_owned());
        if known.contains_key(&current) {
            best = current.clone();
        }
    }
    Some(best)
}

/// The import circles of the crate whose sources are in `src`, each as its files.
pub fn circles(src: &Path) -> Vec<Vec<PathBuf>> {
    let known = modules(src);
    let mut edges: BTreeMap<&ModulePath, BTreeSet<ModulePath>> = BTreeMap::new();
    for (module, file) in &known {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for path in use_paths(&text) {
            let Some(to) = target(&path, module, &known) else {
                continue;
            };
            // A module and its ancestors are one unit (see the module's comment).
            if to.starts_with(module) || module.starts_with(&to) {
                continue;
            }
            edges.entry(module).or_default().insert(to);
        }
    }
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
    for start in known.keys() {
        let mut stack: Vec<(ModulePath, Vec<ModulePath>)> =
            vec![(start.clone(), vec![start.clone()])];
        while let Some((at, trail)) = stack.pop() {
            for next in edges.get(&at).into_iter().flatten() {
                if next == start {
                    let mut cycle = trail.clone();
                    cycle.sort();
                    if seen.insert(cycle) {
                        found.push(trail.iter().map(|m| known[m].clone()).collect());
                    }
                } else if !trail.contains(next) && trail.len() < 12 {
                    let mut longer = trail.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::root;

    #[test]
    fn use_trees_expand_to_every_path() {
        assert_eq!(
            expand("crate::{a, b::{c, d as e}, f}"),
            ["crate::a", "crate::b::c", "crate::b::d@e", "crate::f"]
        );
        assert_eq!(
            use_paths("use super::flow;\npub(crate) use crate::x::{y, z};\n// not use this\n"),
            ["super::flow", "crate::x::y", "crate::x::z"]
        );
    }

    #[test]
    fn a_circle_between_two_files_is_found() {
        let dir = std::env::temp_dir().join(format!("imports-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("browser")).unwrap();
        std::fs::write(dir.join("lib.rs"), "mod browser;\nmod error;\n").unwrap();
        std::fs::write(dir.join("error.rs"), "use crate::browser::flow::Thing;\n").unwrap();
        std::fs::write(
            dir.join("browser/mod.rs"),
            "pub mod flow;\nuse super::error;\n",
        )
        .unwrap();
        std::fs::write(dir.join("browser/flow.rs"), "use super::super::error::E;\n").unwrap();
        let found = circles(&dir);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].len(), 2, "error.rs and browser/flow.rs: {found:?}");
        std::fs::write(dir.join("error.rs"), "pub struct E;\n").unwrap();
        assert!(circles(&dir).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn no_import_circle_in_the_workspace() {
        for src in [
            "oidc-browser-core/src",
            "auth/src",
            "src",
            "xtask/src",
            "e2e/src",
            "e2e/tests/e2e",
            "examples/minimal/src",
            "bench/equal-page/src",
        ] {
            let found = circles(&root().join(src));
            assert!(found.is_empty(), "import circles in {src}: {found:#?}");
        }
    }
}
