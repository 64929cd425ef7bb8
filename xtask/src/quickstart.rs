//! A new app made from the README, as a user would make it: a fresh crate (outside the
//! workspace) whose `src/main.rs` is the README's quick start copied as it stands, with
//! the `Cargo.toml` lines the README gives, built by Trunk into
//! `target/quickstart-app/dist/`. The end-to-end suite serves it with a single-page
//! fallback and nothing else (no silent-callback page copied), registers its origin at
//! the local provider the documented way (`DEVIDP_APP_ORIGINS`), and signs in, reloads
//! and signs out with it.

use std::path::PathBuf;

use crate::paths::{self, command, root};

/// Where the new app's origin listens in the end-to-end suite.
pub const PORT: u16 = 8099;

/// The new app's folder.
fn folder() -> PathBuf {
    root().join("target/quickstart-app")
}

/// The new app's build, served by the end-to-end suite.
pub fn dist() -> PathBuf {
    folder().join("dist")
}

/// The README's quick start: the ```` ```rust ```` block after "A complete app".
pub fn readme_quick_start(readme: &str) -> Result<&str, String> {
    crate::docs::rust_block_after(readme, "A complete app, with a protected route")
}

/// Writes the new app and builds it (debug, like the example: its dependencies are
/// the ones the example already compiled, in the same target folder).
pub fn build() -> Result<(), String> {
    let readme = std::fs::read_to_string(root().join("README.md")).map_err(|e| e.to_string())?;
    let main = readme_quick_start(&readme)?;
    let app = folder();
    std::fs::create_dir_all(app.join("src")).map_err(|e| e.to_string())?;
    let auth = root().join("auth");
    let files = [
        (
            "Cargo.toml",
            format!(
                "[package]\nname = \"quickstart-app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
                 publish = false\n\n# Not part of the project's workspace: an app of its own.\n\
                 [workspace]\n\n[dependencies]\n\
                 leptos = {{ version = \"0.8\", features = [\"csr\"] }}\n\
                 leptos_router = \"0.8\"\n\
                 leptos-pkce-auth = {{ path = \"{}\" }}\n\
                 wasm-bindgen = \"=0.2.130\"\n",
                auth.display()
            ),
        ),
        (
            "index.html",
            "<!doctype html>\n<html lang=\"en\">\n  <head>\n    <meta charset=\"utf-8\" />\n    \
             <title>quick start</title>\n    <link rel=\"icon\" href=\"data:,\" />\n    \
             <link data-trunk rel=\"rust\" data-wasm-opt=\"0\" />\n  </head>\n  <body></body>\n</html>\n"
                .to_owned(),
        ),
        (
            "Trunk.toml",
            "[build]\noffline = true\n\n[tools]\nwasm_bindgen = \"0.2.130\"\n".to_owned(),
        ),
        ("src/main.rs", main.to_owned()),
    ];
    for (name, text) in files {
        std::fs::write(app.join(name), text).map_err(|e| format!("{name}: {e}"))?;
    }
    // The workspace's lock file: the same dependency versions, found offline and
    // already compiled.
    std::fs::copy(root().join("Cargo.lock"), app.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    paths::run(
        command("trunk")
            .args(["build", "--offline"])
            .current_dir(&app)
            .env("CARGO_TARGET_DIR", root().join("target")),
    )
}

/// The nginx server for the new app: its build, and `index.html` for every other
/// path (the single-page fallback the README asks for); no silent-callback page.
pub fn nginx_server() -> String {
    format!(
        "server {{\n    listen 127.0.0.1:{PORT};\n    root {};\n    \
         include /etc/nginx/mime.types;\n    location / {{\n        expires -1;\n        try_files $uri /index.html;\n    }}\n}}\n",
        dist().display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_start_is_found_in_the_readme() {
        let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
        let code = readme_quick_start(&readme).unwrap();
        assert!(
            code.contains("fn main()") && code.contains("provide_auth"),
            "{code}"
        );
        assert!(readme_quick_start("no such section").is_err());
    }
}
