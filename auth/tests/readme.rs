//! The crate's README.md shows the quick start as `examples/quickstart/app.rs` is
//! written, which the wasm32 clippy gate compiles: a README example that stopped
//! compiling fails there, one that drifted from the compiled code fails here. (The
//! workspace's README and the crate docs are held to the same text by the xtask's
//! docs tests.)

#[test]
fn readme_shows_the_compiled_quick_start() {
    let readme = include_str!("../README.md");
    let code = include_str!("../examples/quickstart/app.rs");
    assert!(
        readme.contains(&format!("```rust\n{code}```")),
        "README.md's quick start differs from examples/quickstart/app.rs"
    );
}
