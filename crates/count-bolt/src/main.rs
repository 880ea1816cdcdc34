//! `count-bolt`: emits [word, running count] for each input word (fields `word`, `count`).
//!
//! The component lives in the library ([`count_bolt::component`]), which also builds it as an
//! in-process library (`cargo xtask dist`).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    count_bolt::component::main()
}
