//! Fuzzes the EPUB reader (ZIP, XML, CSS, fonts). The readers are called
//! directly, without the panic guard of `check_bytes`, so a panic is a crash.
#![no_main]

use bindery::check::{CheckOptions, Paper, Profile, Profiles, Sink, epub};
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
    epub::check_epub(data, &opts, &mut sink);
});
