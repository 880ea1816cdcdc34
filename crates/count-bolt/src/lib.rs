//! The running word count behind the `count-bolt` binary.

use ahash::AHashMap;

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
    use super::Counter;

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
