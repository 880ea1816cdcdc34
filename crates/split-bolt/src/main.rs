//! `split-bolt`: emits each word of each input sentence (field `word`).
//!
//! The component lives in the library ([`split_bolt::component`]), which also builds it as an
//! in-process library (`cargo xtask dist`).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    split_bolt::component::main()
}
