//! The sentence source behind the `sentence-spout` binary: the corpus, the order, and the
//! bookkeeping of reliable mode.

use std::collections::{HashMap, VecDeque};

/// The word-count sample's five sentences.
pub const SAMPLE_SENTENCES: [&str; 5] = [
    "the cow jumped over the moon",
    "an apple a day keeps the doctor away",
    "four score and seven years ago",
    "snow white and the seven dwarfs",
    "i am at two with nature",
];

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

/// The spout's state, apart from the protocol.
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
    pending: HashMap<u64, usize>,
    replay: VecDeque<u64>,
    acked: u64,
    failed: u64,
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
            pending: HashMap::new(),
            replay: VecDeque::new(),
            acked: 0,
            failed: 0,
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

    /// Decides what the next `next` emits.
    pub fn decide(&mut self) -> Next {
        if self.reliable {
            // Failed sentences go first, with their original ids.
            while let Some(id) = self.replay.pop_front() {
                if let Some(&idx) = self.pending.get(&id) {
                    return Next::Reliable(id, idx);
                }
            }
            if self.pending.len() >= self.max_pending {
                return Next::Nothing;
            }
        }
        if self.limit.is_some_and(|l| self.emitted >= l) {
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
            self.pending.insert(id, idx);
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

    /// A sentence's tree failed: it will be emitted again. False for an unknown id.
    pub fn fail(&mut self, id: u64) -> bool {
        let known = self.pending.contains_key(&id);
        if known {
            self.failed += 1;
            self.replay.push_back(id);
        }
        known
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
        assert!(s.fail(1));
        assert_eq!(s.decide(), Next::Reliable(1, 0), "replayed with its id");
        assert!(s.ack(1));
        assert!(!s.ack(1), "second ack of the same id is refused");
        assert!(!s.fail(99));
        assert_eq!(s.decide(), Next::Reliable(3, 0));
        assert!(s.ack(2) && s.ack(3));
        assert_eq!(s.decide(), Next::Nothing, "limit reached");
        assert_eq!(s.stats(), (3, 1, 0));
    }

    #[test]
    fn corpus_lines() {
        assert_eq!(parse_corpus("a b\r\n\n  \nc\n"), ["a b", "c"]);
    }
}
