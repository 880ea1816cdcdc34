//! The README walks through the repository's template: its `src/main.rs` block is the
//! template's file as it is (the doctests compile the block; the template's stage in
//! `./test.sh` runs its tests and its topology).

#[test]
fn the_readme_shows_the_template_main_rs_as_it_is() {
    let readme = include_str!("../README.md");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../template/src/main.rs");
    let main = std::fs::read_to_string(path).expect("template/src/main.rs");
    let open = "```rust,no_run\n";
    let start = readme
        .find(open)
        .expect("a rust,no_run block in the README")
        + open.len();
    let end = start + readme[start..].find("```\n").expect("the block's end");
    assert_eq!(
        &readme[start..end],
        main,
        "README.md's src/main.rs block differs from {path}: copy the file into the README"
    );
}
