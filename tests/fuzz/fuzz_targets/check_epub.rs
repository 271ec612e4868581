//! Fuzzes the EPUB reader (ZIP, XML, CSS, fonts). The readers are called
//! directly, without the panic guard of `check_bytes`, so a panic is a crash.
#![no_main]

use bindery::check::{CheckOptions, Sink, epub};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut sink = Sink::default();
    epub::check_epub(data, &CheckOptions::default(), &mut sink);
});
