//! The documentation that must agree with the code, checked by the native tests: the
//! crate docs' quick start is the README's, which is the compiled
//! `auth/examples/quickstart/app.rs` (auth's `tests/readme.rs`), as is the crate's own
//! README's; the README's and the
//! crate docs' configuration tables list the fields `AuthConfig` reads.

/// The first ```` ```rust ```` block after `marker` in `text`.
pub fn rust_block_after<'a>(text: &'a str, marker: &str) -> Result<&'a str, String> {
    let from = text.find(marker).ok_or_else(|| format!("no `{marker}`"))?;
    let rest = &text[from..];
    let start = rest
        .find("```rust\n")
        .ok_or_else(|| format!("no rust block after `{marker}`"))?
        + "```rust\n".len();
    let len = rest[start..]
        .find("```")
        .ok_or_else(|| format!("the rust block after `{marker}` never ends"))?;
    Ok(&rest[start..start + len])
}

/// The first ```` ```ignore ```` block of the doc comments that start with `prefix`
/// (`//!` for a crate's docs, `///` for an item's), as code.
#[cfg(test)]
fn ignored_doc_block(text: &str, prefix: &str) -> String {
    let mut inside = false;
    let mut code = String::new();
    for line in text.lines() {
        let Some(doc) = line.strip_prefix(prefix) else {
            continue;
        };
        let doc = doc.strip_prefix(' ').unwrap_or(doc);
        match (inside, doc) {
            (false, "```ignore") => inside = true,
            (true, "```") => return code,
            (true, _) => {
                code.push_str(doc);
                code.push('\n');
            }
            _ => {}
        }
    }
    panic!("no ```ignore block in the `{prefix}` docs");
}

/// The backticked names in the first column of the Markdown table whose header is
/// `| field | meaning |`, after `marker`.
#[cfg(test)]
fn config_table_fields(text: &str, marker: &str) -> std::collections::BTreeSet<String> {
    let from = text.find(marker).unwrap_or_else(|| panic!("no `{marker}`"));
    let table = &text[from..];
    let start = table
        .find("| field | meaning |")
        .expect("a configuration table");
    table[start..]
        .lines()
        .skip(2)
        .map(|line| line.trim_start_matches("//!").trim())
        .take_while(|line| line.starts_with('|'))
        .flat_map(|row| {
            let first = row.split('|').nth(1).unwrap_or_default().to_owned();
            first
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::root;

    fn read(path: &str) -> String {
        std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn the_quick_start_is_the_same_in_the_readme_the_crate_docs_and_the_compiled_example() {
        let readme = read("README.md");
        let quick_start = crate::quickstart::readme_quick_start(&readme).unwrap();
        assert!(quick_start.contains("fn main()"), "found the quick start");
        assert_eq!(
            quick_start,
            read("auth/examples/quickstart/app.rs"),
            "auth/examples/quickstart/app.rs (compiled by the wasm32 clippy gate) is the \
             README's quick start, as written"
        );
        assert_eq!(
            quick_start,
            ignored_doc_block(&read("auth/src/lib.rs"), "//!"),
            "auth/src/lib.rs's quick start is the README's"
        );
        assert_eq!(
            quick_start,
            rust_block_after(&read("auth/README.md"), "## Quick start").unwrap(),
            "the crate's README (crates.io) shows the same quick start"
        );
    }

    #[test]
    fn the_lazy_fn_example_is_the_demos_compiled_code() {
        let example = ignored_doc_block(&read("auth/src/lazy.rs"), "///");
        assert!(example.contains("lazy_fn!"), "read the example: {example}");
        assert!(
            read("src/pages/lazy.rs").contains(&example),
            "auth/src/lazy.rs's example is not src/pages/lazy.rs's code:\n{example}"
        );
    }

    #[test]
    fn both_configuration_tables_list_the_fields_the_configuration_reads() {
        let readme = config_table_fields(&read("README.md"), "### Configuration");
        let crate_docs = config_table_fields(&read("auth/src/lib.rs"), "# Configuration");
        assert!(readme.len() > 15, "read the table: {readme:?}");
        assert_eq!(
            readme, crate_docs,
            "the README's and the crate docs' tables"
        );
        // The page's configuration, with the token worker's mode and fallback, and the
        // worker's allow-list (read by the worker from the same object).
        let read_by_config = fields_read(
            &[
                "oidc-browser-core/src/config/mod.rs",
                "oidc-browser-core/src/config/token_mediation.rs",
                "oidc-browser-core/src/mediation/config.rs",
            ]
            .map(read)
            .concat(),
        );
        assert!(
            read_by_config.contains("dpop"),
            "read config.rs: {read_by_config:?}"
        );
        assert_eq!(
            readme, read_by_config,
            "the tables list exactly the fields AuthConfig::from_json reads"
        );
    }

    /// The fields `AuthConfig::from_json` reads, by the helpers it reads them with
    /// (`optional_string`, `seconds`, `one_of`, `url`, `flag`, or `fields.get`).
    fn fields_read(config: &str) -> std::collections::BTreeSet<String> {
        let mut fields = std::collections::BTreeSet::new();
        // `one_of(` is formatted over lines: its field follows `fields,` on the next.
        let config = config.replace(
            "one_of(\n            fields,\n            \"",
            "one_of(fields, \"",
        );
        let config = config.as_str();
        for call in ["(fields, \"", "url(\"", "flag(\"", "fields.get(\""] {
            for (at, _) in config.match_indices(call) {
                let rest = &config[at + call.len()..];
                let name = &rest[..rest.find('"').expect("a closing quote")];
                fields.insert(name.to_owned());
            }
        }
        fields
    }
}
