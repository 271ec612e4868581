//! Fuzzes the PDF reader and rules, and text extraction. The readers are
//! called directly, without the panic guard of `check_bytes`.
#![no_main]

use bindery::check::{CheckOptions, Paper, Profile, Profiles, Sink, pdf};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Every profile, so every rule runs.
    let opts = CheckOptions {
        paper: Some(Paper::a4()),
        profiles: Profiles::default()
            .with(Profile::Distribution)
            .with(Profile::PrintA4),
        ..CheckOptions::default()
    };
    let mut sink = Sink::new(&opts);
    pdf::check_pdf(data, &opts, &mut sink);
    let _ = pdf::extract_text(data);
});
