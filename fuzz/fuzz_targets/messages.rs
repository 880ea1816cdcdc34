//! Arbitrary bytes as Storm's side of the pipe: the parser, then the bolt and spout loops.
//! No panic, no hang, never more answers than messages. Findings go to fuzz/regressions/,
//! which `cargo test` replays on stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| storm_multilang::fuzzing::check(data));
