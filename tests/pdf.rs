//! The print edition on the seed book, checked with independent tools
//! (poppler's pdfinfo, pdffonts, pdftotext; qpdf) and by reading the
//! typesetter's own lines.

use std::path::{Path, PathBuf};
use std::process::Command;

use bindery::cover::{self, Cover};
use bindery::fonts::FontSet;
use bindery::layout::{self, Document, Role};
use bindery::model::{Block, Book, inline_text};

fn seed() -> (Book, FontSet) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("book");
    let book = bindery::load::load_book(&root).expect("seed book loads");
    let fonts =
        FontSet::load(&book.fonts, &book.root, &book.root.join("book.toml")).expect("fonts load");
    (book, fonts)
}

fn test_cover(dir: &Path) -> Cover {
    let img = image::RgbImage::from_fn(400, 640, |x, y| {
        image::Rgb([(x / 2) as u8, (y / 3) as u8, 120])
    });
    let path = dir.join("cover.png");
    img.save(&path).expect("cover png written");
    cover::load_image(&path).expect("cover loads")
}

fn out_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pdf-tests");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Renders the seed book to a file and returns its path.
fn seed_pdf() -> PathBuf {
    let (book, fonts) = seed();
    let dir = tempfile::tempdir().unwrap();
    let cover = test_cover(dir.path());
    let (bytes, _) = bindery::pdf::render_pdf(&book, &fonts, &cover, 1_700_000_000).unwrap();
    let path = out_dir().join(format!("seed-{}.pdf", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    path
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} could not run: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn seed_pdf_writes() {
    let p = seed_pdf();
    assert!(std::fs::metadata(&p).unwrap().len() > 10_000);
}
