//! The editions: each turns the book into one file.

pub mod epub;
pub mod pdf;
