//! Fuzzes the whole build: `book.toml` and one Markdown chapter (the input
//! split at its first NUL byte; without one, the input is the chapter of a
//! fixed book) → both editions, in memory. Any result is fine but a crash,
//! a hang or a runaway allocation.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

const BOOK: &[u8] = b"[book]\ntitle = \"\xe4\xb9\xa6\"\nchapters = [\"01.md\"]\n";

fuzz_target!(|data: &[u8]| {
    let (toml, chapter) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (BOOK, data),
    };
    let root = Path::new("/nonexistent/bindery-fuzz-book");
    let _ = bindery::pipeline::build_in_memory(root, toml, chapter);
});
