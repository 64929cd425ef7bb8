//! README.md's example is `examples/login.rs`, word for word, and it runs: an example
//! that stopped compiling or whose checks stopped holding fails here.

mod example {
    include!("../examples/login.rs");

    #[test]
    fn the_readme_example_runs() {
        main();
    }
}

#[test]
fn readme_shows_the_example() {
    let readme = include_str!("../README.md");
    let code = include_str!("../examples/login.rs");
    assert!(
        readme.contains(&format!("```rust\n{code}```")),
        "README.md's example differs from examples/login.rs"
    );
}
