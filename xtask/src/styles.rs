//! The release build's style sheets, minified after Trunk wrote them (Trunk 0.21 only
//! minifies with `minify = "on_release"`, which also rewrites index.html's markup that
//! [`crate::split`] edits by exact text): esbuild (tools/package.json), then the sheet
//! is renamed for a hash of its minified content (Trunk's name hashes the source; nginx
//! caches the file for a year, so a new esbuild that minified the same source
//! differently must not reuse the URL), and index.html's link and `integrity` follow.
//!
//! Measured on `style/main.css` (`brotli -q 11`): 4,587 → 3,766 bytes raw, 1,321 →
//! 1,127 brotli (-0.2 KB on every first load).

use std::path::Path;

use crate::paths::{self, command};
use crate::split::{file_name, hashed_name, read, replace_all, sri, write};

/// Minifies every `.css` file of `dist`, renames it for its new content and points
/// index.html's link and SRI hash at it. An error when index.html does not carry the
/// old link or hash (it is then not the page Trunk wrote, and a stale hash would block
/// the sheet).
pub fn minify_in(dist: &Path) -> Result<(), String> {
    let index_path = dist.join("index.html");
    let mut index = read(&index_path)?;
    let sheets: Vec<_> = std::fs::read_dir(dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().and_then(|e| e.to_str()) == Some("css"))
        .collect();
    for path in sheets {
        let name = file_name(&path);
        let before = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let minified = dist.join("minified.css.tmp");
        paths::run(
            command("esbuild")
                .args(["--minify", "--log-level=error"])
                .arg(&path)
                .arg(format!("--outfile={}", minified.display())),
        )?;
        let after = std::fs::read(&minified).map_err(|e| format!("{}: {e}", minified.display()))?;
        let base = name
            .rsplit_once('-')
            .map_or(name.as_str(), |(base, _)| base);
        let renamed = hashed_name(&format!("{base}.css"), &after);
        std::fs::rename(&minified, dist.join(&renamed)).map_err(|e| format!("{renamed}: {e}"))?;
        std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        index = replace_all(&index, &sri(&before), &sri(&after))?;
        index = renamed_link(&index, &name, &renamed)?;
        println!(
            "    {name} minified: {} → {} B, as {renamed}",
            before.len(),
            after.len()
        );
    }
    write(&index_path, &index)
}

/// `index` with the link to `/{old}` pointing at `/{new}`; an error when it has none.
fn renamed_link(index: &str, old: &str, new: &str) -> Result<String, String> {
    replace_all(index, &format!("/{old}\""), &format!("/{new}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sheets_integrity_follows_its_new_content_or_the_build_fails() {
        let index = r#"<link rel="stylesheet" href="/main-1.css" integrity="sha384-OLD"/>"#;
        assert_eq!(
            replace_all(index, "sha384-OLD", "sha384-NEW").unwrap(),
            r#"<link rel="stylesheet" href="/main-1.css" integrity="sha384-NEW"/>"#
        );
        assert!(replace_all(index, "sha384-OTHER", "sha384-NEW").is_err());
    }

    #[test]
    fn the_sheets_link_follows_its_new_name_or_the_build_fails() {
        let index = r#"<link rel="stylesheet" href="/main-1.css" integrity="x"/>"#;
        assert_eq!(
            renamed_link(index, "main-1.css", "main-2.css").unwrap(),
            r#"<link rel="stylesheet" href="/main-2.css" integrity="x"/>"#
        );
        assert!(renamed_link(index, "other-1.css", "other-2.css").is_err());
    }
}
