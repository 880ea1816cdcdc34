//! Benchmarks live in benches/; the throughput comparisons in src/bin (see README).
