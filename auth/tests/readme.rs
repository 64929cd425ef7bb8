//! README.md's quick start is the code of `examples/quickstart/app.rs`, which the
//! wasm32 clippy gate compiles: a README example that stopped compiling fails here.

#[test]
fn readme_shows_the_compiled_quick_start() {
    let readme = include_str!("../../README.md");
    let code = include_str!("../examples/quickstart/app.rs");
    assert!(
        readme.contains(&format!("```rust\n{code}```")),
        "README.md's quick start differs from auth/examples/quickstart/app.rs"
    );
}
