//! Fuzzes the XML and CSS readers on their own: inside an EPUB most
//! mutations only break the ZIP checksums and never reach them.
#![no_main]

use bindery::check::{css, xml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(root) = xml::parse(&text) {
        let _ = root.descendants().len();
        let _ = root.text();
    }
    let sheet = css::parse(&text);
    let _ = sheet.rules.len();
    let _ = css::resource_urls(&text).len();
});
