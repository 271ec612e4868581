//! `bindery check` against independent oracles on a corpus built from the
//! tools `tests/setup` installs (tests/corpus/make-check-corpus.sh --ci):
//! EPUBs from pandoc (EPUB 2 and 3), EbookLib and the corpus' own minimal
//! packages, PDFs from Ghostscript, reportlab, fpdf2 and the corpus' own
//! writer, through qpdf and cairo transforms. No file EPUBCheck or
//! qpdf/poppler accept may fail, and each broken package made for an
//! EPUBCheck message id the checker covers must fail.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

struct Row {
    kind: String,
    file: String,
    valid: bool,
    passed: bool,
}

fn corpus() -> Vec<Row> {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("check-corpus");
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new("bash")
        .arg(repo.join("tests/corpus/make-check-corpus.sh"))
        .arg("--ci")
        .arg(&out)
        .env("BINDERY", env!("CARGO_BIN_EXE_bindery"))
        .status()
        .expect("bash runs the corpus script");
    assert!(status.success(), "make-check-corpus.sh failed");
    let tsv = std::fs::read_to_string(out.join("results.tsv")).unwrap();
    tsv.lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            Row {
                kind: c[0].into(),
                file: c[1].into(),
                valid: c[2] == "valid",
                passed: c[3] == "pass",
            }
        })
        .collect()
}

#[test]
fn no_false_positives_and_the_covered_ids_are_caught() {
    let rows = corpus();
    let count = |kind: &str, valid: bool| {
        rows.iter()
            .filter(|r| r.kind == kind && r.valid == valid)
            .count()
    };
    // The sample is large enough to mean something, and has both kinds.
    assert!(
        count("epub", true) >= 120,
        "{} valid EPUBs",
        count("epub", true)
    );
    assert!(
        count("epub", false) >= 40,
        "{} invalid EPUBs",
        count("epub", false)
    );
    assert!(
        count("pdf", true) >= 300,
        "{} valid PDFs",
        count("pdf", true)
    );
    let fp: Vec<&str> = rows
        .iter()
        .filter(|r| r.valid && !r.passed)
        .map(|r| r.file.as_str())
        .collect();
    assert!(
        fp.is_empty(),
        "failed by bindery, accepted by the oracle: {fp:?}"
    );
    // Each broken package is named after the EPUBCheck id it triggers.
    let mut by_id: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in rows
        .iter()
        .filter(|r| r.file.starts_with("own-") && !r.valid)
    {
        let id = r.file.splitn(3, '-').nth(2).unwrap_or("");
        let id = &id[..id.len().min(7)];
        let e = by_id.entry(id).or_default();
        e.0 += 1;
        e.1 += usize::from(!r.passed);
    }
    for id in ["RSC-006", "OPF-014", "RSC-032", "RSC-007", "OPF-060"] {
        let (n, caught) = by_id.get(id).copied().unwrap_or_default();
        assert!(n > 0, "no broken package for {id}: {by_id:?}");
        assert_eq!(caught, n, "{id}: {caught} of {n} caught");
    }
}
