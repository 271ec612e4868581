//! Prepares the dictionary of the title segmenter: the word list that
//! ships with the `jieba-rs` crate (`src/data/dict.txt`, MIT), found
//! through `cargo metadata`, is written to `OUT_DIR` as a finite-state
//! transducer (`fst`) mapping each word to its frequency, with the sum of
//! all frequencies. `script::segment` embeds it and looks up only the words
//! a text contains.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let dict = jieba_dictionary();
    println!("cargo:rerun-if-changed={}", dict.display());
    let text = std::fs::read_to_string(&dict)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dict.display()));
    let mut words: Vec<(&str, u64)> = Vec::new();
    for line in text.lines() {
        let mut it = line.split_whitespace();
        let (Some(word), Some(freq)) = (it.next(), it.next()) else {
            continue;
        };
        let freq: u64 = freq
            .parse()
            .unwrap_or_else(|_| panic!("bad frequency in {}: {line}", dict.display()));
        words.push((word, freq));
    }
    // Byte order, as the transducer wants; a word listed twice keeps its
    // lowest frequency.
    words.sort_unstable();
    words.dedup_by(|a, b| a.0 == b.0);
    let total: u64 = words.iter().map(|w| w.1).sum();
    let mut map = fst::MapBuilder::memory();
    for (w, f) in &words {
        map.insert(w, *f).expect("words in order");
    }
    let bytes = map.into_inner().expect("the transducer is built");
    let dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(dir.join("segment.fst"), bytes).expect("dictionary written");
    std::fs::write(dir.join("segment-total.rs"), format!("{total}\n")).expect("total written");
}

/// `src/data/dict.txt` of the `jieba-rs` package this build uses.
fn jieba_dictionary() -> PathBuf {
    // Offline first (the usual case: cargo has the sources); a first
    // `cargo build` has not fetched the dev-dependencies `cargo metadata`
    // also lists, so it may have to fetch them.
    let out = metadata(true)
        .filter(|o| o.status.success())
        .or_else(|| metadata(false))
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let package = meta["packages"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "jieba-rs"))
        .expect("jieba-rs is a dependency");
    let manifest = PathBuf::from(package["manifest_path"].as_str().expect("manifest path"));
    manifest
        .parent()
        .expect("package folder")
        .join("src/data/dict.txt")
}

/// `cargo metadata` for this package, limited to the target platform (a
/// Windows-only dependency need not be fetched on Linux).
fn metadata(offline: bool) -> Option<std::process::Output> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir"))
        .join("Cargo.toml");
    let target = std::env::var("TARGET").expect("TARGET");
    let mut cmd = std::process::Command::new(cargo);
    cmd.args(["metadata", "--format-version", "1", "--filter-platform"])
        .arg(target)
        .arg("--manifest-path")
        .arg(&manifest);
    if offline {
        cmd.arg("--offline");
    }
    cmd.output().ok()
}
