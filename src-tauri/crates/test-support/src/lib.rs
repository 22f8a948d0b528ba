//! What the tests of every crate share. Not part of the product.

pub mod afctl;
#[cfg(feature = "e2e")]
pub mod e2e;
pub mod fixture_api;
pub mod leaks;
pub mod postgres;
pub mod scale;

/// Asserts that `text` contains every one of `needles`, showing the text when one is missing.
#[track_caller]
pub fn assert_contains(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "{needle:?} is not in:\n{text}");
    }
}
