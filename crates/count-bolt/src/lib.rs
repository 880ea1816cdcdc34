//! The running word count behind the `count-bolt` binary.

pub mod component;

use std::time::{Duration, Instant};

use ahash::AHashMap;

/// The metric count-bolt reports when `--metrics-secs` is set: how many distinct words the
/// task holds (a JSON number). The JVM side must register an `IShellMetric` under this name.
pub const DISTINCT_WORDS: &str = "distinct-words";

/// A wall-clock period: [`Every::due`] says yes at most once per period.
#[derive(Debug, Clone, Copy)]
pub struct Every {
    period: Duration,
    last: Instant,
}

impl Every {
    /// A period of `period`, its first one starting at `start`.
    pub fn new(period: Duration, start: Instant) -> Self {
        Every {
            period,
            last: start,
        }
    }

    /// True when a whole period has passed since the start or the last `true`; a `true`
    /// starts the next period at `now` (no catching up after a pause).
    pub fn due(&mut self, now: Instant) -> bool {
        if now.saturating_duration_since(self.last) < self.period {
            return false;
        }
        self.last = now;
        true
    }
}

/// Counts words; a word already seen costs one hash lookup and no allocation.
#[derive(Debug, Default)]
pub struct Counter {
    counts: AHashMap<Box<str>, u64>,
}

impl Counter {
    /// An empty counter.
    pub fn new() -> Self {
        Counter::default()
    }

    /// Adds one to `word`'s count and returns the new count.
    pub fn add(&mut self, word: &str) -> u64 {
        if let Some(n) = self.counts.get_mut(word) {
            *n += 1;
            return *n;
        }
        self.counts.insert(word.into(), 1);
        1
    }

    /// The count of `word` so far.
    pub fn get(&self, word: &str) -> u64 {
        self.counts.get(word).copied().unwrap_or(0)
    }

    /// How many distinct words were seen.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// True before the first word.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::{Counter, Every};
    use std::time::{Duration, Instant};

    #[test]
    fn every_is_due_once_per_period_without_catching_up() {
        let t0 = Instant::now();
        let s = Duration::from_secs(1);
        let mut e = Every::new(s * 10, t0);
        assert!(!e.due(t0));
        assert!(!e.due(t0 + s * 9));
        assert!(e.due(t0 + s * 35));
        assert!(
            !e.due(t0 + s * 44),
            "the next period starts at the last report"
        );
        assert!(e.due(t0 + s * 45));
        assert!(!e.due(t0), "a clock read before the last report is not due");
    }

    #[test]
    fn counts_each_word_separately() {
        let mut c = Counter::new();
        let got: Vec<u64> = ["a", "b", "a", "é", "a", "b"]
            .iter()
            .map(|w| c.add(w))
            .collect();
        assert_eq!(got, [1, 1, 2, 1, 3, 2]);
        assert_eq!((c.get("a"), c.get("b"), c.get("z"), c.len()), (3, 2, 0, 3));
    }
}
