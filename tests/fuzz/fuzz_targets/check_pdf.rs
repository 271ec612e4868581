//! Fuzzes the PDF reader and rules, and text extraction. The readers are
//! called directly, without the panic guard of `check_bytes`.
#![no_main]

use bindery::check::{CheckOptions, Sink, pdf};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut sink = Sink::default();
    pdf::check_pdf(data, &CheckOptions::default(), &mut sink);
    let _ = pdf::extract_text(data);
});
