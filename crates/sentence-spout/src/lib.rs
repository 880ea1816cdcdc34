//! The sentence source behind the `sentence-spout` binary: the corpus, the order, and the
//! bookkeeping of reliable mode.

pub mod component;

use std::collections::{HashMap, VecDeque};

/// The word-count sample's five sentences, one per line: `sentences.txt`, the one copy the
/// spout, the tests and the benchmarks read.
pub const SAMPLE_TEXT: &str = include_str!("../sentences.txt");

/// The sample sentences, in order.
pub fn sample_sentences() -> Vec<&'static str> {
    SAMPLE_TEXT.lines().collect()
}

/// A small, fast, seedable generator (SplitMix64). Not for cryptography: it only picks sentences.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed; the same seed gives the same sequence.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform index below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// How sentences are picked from the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Uniformly at random, like the sample's `random.choice`.
    Random,
    /// In corpus order, starting over at the end.
    Sequential,
}

/// What the spout should do on `next`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Emit this sentence (corpus index) without a message id.
    Unreliable(usize),
    /// Emit this sentence with this message id (new, or a replay of a failed one).
    Reliable(u64, usize),
    /// Emit nothing: the limit is reached, or too many sentences are pending.
    Nothing,
}

/// What became of a failed sentence ([`Source::fail`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    /// It will be emitted again with its id; this many replays so far, this one included.
    Replay(u32),
    /// It was replayed the most times allowed and failed again: given up, no longer pending.
    GaveUp {
        /// The sentence's corpus index.
        sentence: usize,
        /// How many times it was replayed.
        replays: u32,
    },
    /// The id is not pending (never emitted, already acked or given up).
    Unknown,
}

/// A sentence in flight: its corpus index and how often it was replayed.
#[derive(Debug, Clone, Copy)]
struct Pending {
    sentence: usize,
    replays: u32,
}

/// The spout's state, apart from the protocol.
///
/// In reliable mode failed sentences are replayed with their ids, interleaved with new ones:
/// while both are waiting, `decide` alternates, so a sentence that fails every time takes at
/// most every other emit and never starves fresh sentences. [`Source::max_replays`] bounds
/// how often one id is replayed (unbounded by default: at-least-once).
#[derive(Debug)]
pub struct Source {
    corpus_len: usize,
    order: Order,
    rng: SplitMix64,
    cursor: usize,
    limit: Option<u64>,
    emitted: u64,
    reliable: bool,
    max_pending: usize,
    max_replays: Option<u32>,
    pending: HashMap<u64, Pending>,
    replay: VecDeque<u64>,
    /// A replay goes before a new sentence on the next `decide` (they alternate).
    replay_turn: bool,
    acked: u64,
    failed: u64,
    given_up: u64,
}

impl Source {
    /// A source over a corpus of `corpus_len` sentences (> 0).
    pub fn new(corpus_len: usize, order: Order, seed: u64) -> Self {
        Source {
            corpus_len,
            order,
            rng: SplitMix64::new(seed),
            cursor: 0,
            limit: None,
            emitted: 0,
            reliable: false,
            max_pending: usize::MAX,
            max_replays: None,
            pending: HashMap::new(),
            replay: VecDeque::new(),
            replay_turn: true,
            acked: 0,
            failed: 0,
            given_up: 0,
        }
    }

    /// Emits at most `limit` new sentences in total (replays not counted).
    pub fn with_limit(mut self, limit: Option<u64>) -> Self {
        self.limit = limit;
        self
    }

    /// Reliable mode: message ids 1, 2, 3, ...; at most `max_pending` unacked at once.
    pub fn reliable(mut self, max_pending: usize) -> Self {
        self.reliable = true;
        self.max_pending = max_pending.max(1);
        self
    }

    /// Reliable mode: a sentence replayed `max` times that fails again is given up
    /// ([`Failed::GaveUp`]). `None` (the default) replays until it is acked.
    pub fn max_replays(mut self, max: Option<u32>) -> Self {
        self.max_replays = max;
        self
    }

    /// Decides what the next `next` emits.
    pub fn decide(&mut self) -> Next {
        let limit_reached = self.limit.is_some_and(|l| self.emitted >= l);
        if self.reliable {
            // Ids acked or given up after their fail are dropped from the queue here.
            self.replay.retain(|id| self.pending.contains_key(id));
            let can_add = self.pending.len() < self.max_pending && !limit_reached;
            if !self.replay.is_empty() && (self.replay_turn || !can_add) {
                if let Some(id) = self.replay.pop_front() {
                    self.replay_turn = false;
                    return Next::Reliable(id, self.pending[&id].sentence);
                }
            }
            if !can_add {
                return Next::Nothing;
            }
            self.replay_turn = true;
        }
        if limit_reached {
            return Next::Nothing;
        }
        let idx = match self.order {
            Order::Random => self.rng.below(self.corpus_len),
            Order::Sequential => {
                let i = self.cursor;
                self.cursor = (self.cursor + 1) % self.corpus_len;
                i
            }
        };
        self.emitted += 1;
        if self.reliable {
            let id = self.emitted;
            self.pending.insert(
                id,
                Pending {
                    sentence: idx,
                    replays: 0,
                },
            );
            Next::Reliable(id, idx)
        } else {
            Next::Unreliable(idx)
        }
    }

    /// A sentence's tree completed. Returns false for an id we do not have pending.
    pub fn ack(&mut self, id: u64) -> bool {
        let known = self.pending.remove(&id).is_some();
        if known {
            self.acked += 1;
        }
        known
    }

    /// A sentence's tree failed: it will be emitted again, unless it has been replayed the
    /// most times allowed, in which case it is given up.
    pub fn fail(&mut self, id: u64) -> Failed {
        let Some(p) = self.pending.get_mut(&id) else {
            return Failed::Unknown;
        };
        self.failed += 1;
        if self.max_replays.is_some_and(|max| p.replays >= max) {
            let p = *p;
            self.pending.remove(&id);
            self.given_up += 1;
            return Failed::GaveUp {
                sentence: p.sentence,
                replays: p.replays,
            };
        }
        p.replays += 1;
        self.replay.push_back(id);
        Failed::Replay(p.replays)
    }

    /// Sentences given up after too many replays.
    pub fn given_up(&self) -> u64 {
        self.given_up
    }

    /// New sentences emitted so far.
    pub fn emitted(&self) -> u64 {
        self.emitted
    }

    /// (acked, failed, pending) so far.
    pub fn stats(&self) -> (u64, u64, usize) {
        (self.acked, self.failed, self.pending.len())
    }
}

/// Reads a corpus: one sentence per line, blank lines skipped, `\r\n` accepted.
pub fn parse_corpus(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_with_limit_is_exact() {
        let mut s = Source::new(3, Order::Sequential, 0).with_limit(Some(5));
        let got: Vec<_> = (0..7).map(|_| s.decide()).collect();
        use Next::*;
        assert_eq!(
            got,
            [
                Unreliable(0),
                Unreliable(1),
                Unreliable(2),
                Unreliable(0),
                Unreliable(1),
                Nothing,
                Nothing
            ]
        );
    }

    #[test]
    fn random_is_seeded_and_covers_the_corpus() {
        let pick = |seed| {
            let mut s = Source::new(5, Order::Random, seed);
            (0..1000).map(|_| s.decide()).collect::<Vec<_>>()
        };
        assert_eq!(pick(7), pick(7));
        assert_ne!(pick(7), pick(8));
        let mut seen = [0usize; 5];
        for n in pick(1) {
            let Next::Unreliable(i) = n else { panic!() };
            seen[i] += 1;
        }
        // Each of five sentences, 1000 draws: expect 200 each; 120 is far out in the tail.
        assert!(seen.iter().all(|&c| c > 120), "{seen:?}");
    }

    #[test]
    fn reliable_replays_failures_and_bounds_pending() {
        let mut s = Source::new(2, Order::Sequential, 0)
            .reliable(2)
            .with_limit(Some(3));
        assert_eq!(s.decide(), Next::Reliable(1, 0));
        assert_eq!(s.decide(), Next::Reliable(2, 1));
        assert_eq!(s.decide(), Next::Nothing, "two pending, bound is two");
        assert_eq!(s.fail(1), Failed::Replay(1));
        assert_eq!(s.decide(), Next::Reliable(1, 0), "replayed with its id");
        assert!(s.ack(1));
        assert!(!s.ack(1), "second ack of the same id is refused");
        assert_eq!(s.fail(99), Failed::Unknown);
        assert_eq!(s.decide(), Next::Reliable(3, 0));
        assert!(s.ack(2) && s.ack(3));
        assert_eq!(s.decide(), Next::Nothing, "limit reached");
        assert_eq!(s.stats(), (3, 1, 0));
    }

    /// Regression: a sentence that failed every time was replayed before anything new, forever.
    #[test]
    fn a_sentence_that_always_fails_does_not_starve_new_ones() {
        let mut s = Source::new(5, Order::Sequential, 0).reliable(1000);
        assert_eq!(s.decide(), Next::Reliable(1, 0));
        assert_eq!(s.fail(1), Failed::Replay(1));
        let mut got = Vec::new();
        for _ in 0..100 {
            let Next::Reliable(id, _) = s.decide() else {
                panic!("something to emit")
            };
            got.push(id);
            if id == 1 {
                assert!(matches!(s.fail(1), Failed::Replay(_)));
            } else {
                assert!(s.ack(id));
            }
        }
        assert_eq!(
            &got[..5],
            [1, 2, 1, 3, 1],
            "replays and new sentences alternate"
        );
        assert_eq!(got.iter().filter(|&&id| id != 1).count(), 50);
        assert_eq!(s.stats(), (50, 51, 1));
    }

    #[test]
    fn replays_of_one_id_are_bounded_then_given_up() {
        let mut s = Source::new(3, Order::Sequential, 0)
            .reliable(1)
            .max_replays(Some(2));
        assert_eq!(s.decide(), Next::Reliable(1, 0));
        assert_eq!(s.fail(1), Failed::Replay(1));
        assert_eq!(s.decide(), Next::Reliable(1, 0));
        assert_eq!(s.fail(1), Failed::Replay(2));
        assert_eq!(s.decide(), Next::Reliable(1, 0));
        assert_eq!(
            s.fail(1),
            Failed::GaveUp {
                sentence: 0,
                replays: 2
            }
        );
        assert_eq!(s.fail(1), Failed::Unknown, "given up: no longer pending");
        assert_eq!(
            s.decide(),
            Next::Reliable(2, 1),
            "its place goes to a new one"
        );
        assert_eq!((s.given_up(), s.stats()), (1, (0, 3, 1)));
        // Zero: never replayed, given up at the first fail.
        let mut s = Source::new(1, Order::Sequential, 0)
            .reliable(10)
            .max_replays(Some(0));
        assert_eq!(s.decide(), Next::Reliable(1, 0));
        assert!(matches!(s.fail(1), Failed::GaveUp { replays: 0, .. }));
    }

    #[test]
    fn the_sample_sentences_are_the_python_samples() {
        let py = include_str!("../../../multilang/resources/sentencespout.py");
        let got = sample_sentences();
        assert_eq!(got.len(), 5);
        assert_eq!(parse_corpus(SAMPLE_TEXT), got);
        for s in got {
            assert!(
                py.lines().any(|l| l.trim() == s),
                "{s:?} is not in sentencespout.py"
            );
        }
    }

    #[test]
    fn corpus_lines() {
        assert_eq!(parse_corpus("a b\r\n\n  \nc\n"), ["a b", "c"]);
    }
}
