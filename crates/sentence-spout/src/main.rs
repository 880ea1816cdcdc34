//! `sentence-spout`: emits sentences (field `sentence`).
//!
//! The component lives in the library ([`sentence_spout::component`]), which also builds it as an
//! in-process library (`cargo xtask dist`).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    sentence_spout::component::main()
}
