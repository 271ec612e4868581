//! Replays the inputs of the whole-build fuzz target (`tests/fuzz`,
//! `whole_build`) in the normal test run: its seeds, and every input that
//! once crashed it (kept in `tests/fuzz/build_regressions/`). A panic fails
//! the test; each must end in editions or in positioned errors.

use std::path::{Path, PathBuf};

/// The build the fuzz target runs, on one input.
fn replay(data: &[u8]) -> Result<Vec<bindery::editions::Rendered>, bindery::diag::Failure> {
    const BOOK: &[u8] = "[book]\ntitle = \"书\"\nchapters = [\"01.md\"]\n".as_bytes();
    let (toml, chapter) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (BOOK, data),
    };
    let root = Path::new("/nonexistent/bindery-fuzz-book");
    bindery::pipeline::build_in_memory(root, toml, chapter)
}

fn inputs(dir: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    out.sort();
    out
}

#[test]
fn seeds_build_both_editions_in_memory() {
    let seeds = inputs("tests/fuzz/seeds/whole_build");
    assert!(seeds.len() >= 3, "{seeds:?}");
    for path in seeds {
        let editions = replay(&std::fs::read(&path).unwrap())
            .unwrap_or_else(|f| panic!("{}: {f}", path.display()));
        assert_eq!(editions.len(), 2, "{}", path.display());
        assert!(editions[0].bytes.starts_with(b"%PDF-"));
        assert!(editions[1].bytes.starts_with(b"PK"));
    }
}

#[test]
fn crashers_end_in_editions_or_positioned_errors() {
    for path in inputs("tests/fuzz/build_regressions") {
        if let Err(f) = replay(&std::fs::read(&path).unwrap()) {
            for d in &f.0 {
                assert!(
                    d.file.is_some() || d.message.contains("SOURCE_DATE_EPOCH"),
                    "{}: a message without its file: {d}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn in_memory_build_reads_no_file_of_the_machine() {
    // A chapter naming files outside the (missing) book folder.
    let toml = b"[book]\ntitle = \"x\"\nchapters = [\"01.md\"]\ncover = \"/etc/passwd\"\n";
    let chapter = "+++\ntitle = \"t\"\n+++\n\n![a](/etc/hostname)\n\n![b](../x.png)\n";
    let mut data = toml.to_vec();
    data.push(0);
    data.extend(chapter.as_bytes());
    let Err(err) = replay(&data) else {
        panic!("files outside the book are refused");
    };
    let text = err.to_string();
    assert!(
        text.contains("/etc/passwd is not a file inside the book folder")
            && text.contains("leaves the book folder"),
        "{text}"
    );
}
