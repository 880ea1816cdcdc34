//! Sentence splitting for the `split-bolt` binary.
//!
//! Two modes: [`python_split`] reproduces Python 3's `str.split()` with no arguments exactly,
//! so the bolt is a drop-in for the sample's `splitbolt.py`; [`words`] uses Unicode word
//! boundaries (UAX #29) and lowercases, which is what real text wants.

pub mod component;

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;

/// True for the characters Python's `str.isspace()` accepts, which `str.split()` splits on:
/// Unicode White_Space (Rust's `char::is_whitespace`) plus the four ASCII information
/// separators U+001C..U+001F, which Python also counts as space.
#[inline]
pub fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The words of `s` as Python's `s.split()` gives them: runs of non-space, in order.
pub fn python_split(s: &str) -> impl Iterator<Item = &str> {
    s.split(is_python_space).filter(|w| !w.is_empty())
}

/// The words of `s` by Unicode word boundaries, lowercased; punctuation and spaces dropped.
pub fn words(s: &str) -> impl Iterator<Item = Cow<'_, str>> {
    s.unicode_words().map(|w| {
        if w.bytes().all(|b| !b.is_ascii_uppercase() && b.is_ascii()) {
            Cow::Borrowed(w)
        } else {
            Cow::Owned(w.to_lowercase())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_python() {
        let cases: &[(&str, &[&str])] = &[
            (
                "the cow jumped over the moon",
                &["the", "cow", "jumped", "over", "the", "moon"],
            ),
            ("  lead\ttrail \n", &["lead", "trail"]),
            ("", &[]),
            ("   ", &[]),
            ("a\u{1c}b\u{1f}c", &["a", "b", "c"]),
            (
                "no\u{a0}break\u{3000}ideo\u{2028}line",
                &["no", "break", "ideo", "line"],
            ),
            ("zero\u{200b}width", &["zero\u{200b}width"]),
            ("café naïve 日本語", &["café", "naïve", "日本語"]),
        ];
        for (input, want) in cases {
            assert_eq!(python_split(input).collect::<Vec<_>>(), *want, "{input:?}");
        }
    }

    #[test]
    fn words_mode_lowercases_and_drops_punctuation() {
        let got: Vec<_> = words("The Cow, the MOON! Don't stop; Éclair 42").collect();
        assert_eq!(
            got,
            ["the", "cow", "the", "moon", "don't", "stop", "éclair", "42"]
        );
    }
}
