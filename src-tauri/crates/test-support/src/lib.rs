//! What the tests of every crate share. Not part of the product.

pub mod afctl;
#[cfg(feature = "e2e")]
pub mod e2e;
pub mod fixture_api;
pub mod leaks;
pub mod postgres;
