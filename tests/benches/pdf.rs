//! Print edition benchmark: time and size for the seed book and for a
//! 200-article book (the seed's articles repeated, about 1 MB of text).
//! Run with `cargo bench --bench pdf`; prints figures, asserts nothing.

use std::time::Instant;

mod seed;

use bindery::assets::cover::{self, Cover};
use bindery::fonts::FontSet;
use bindery::model::Book;

fn text_bytes(book: &Book) -> usize {
    book.visible_text().len()
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn run(name: &str, book: &Book, fonts: &FontSet, cover: &Cover, rounds: usize) {
    let mut best = f64::INFINITY;
    let mut size = 0;
    let mut pages = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        let (bytes, map) =
            bindery::editions::pdf::render_pdf(book, fonts, cover, 0).expect("renders");
        best = best.min(t.elapsed().as_secs_f64());
        size = bytes.len();
        pages = map.pages.len();
    }
    println!(
        "{name}: {} articles, {:.0} KB text, {pages} body pages, {:.0} ms (best of {rounds}), {:.0} KB PDF",
        book.chapters.len(),
        text_bytes(book) as f64 / 1024.0,
        best * 1000.0,
        size as f64 / 1024.0
    );
}

fn main() {
    let (book, fonts) = seed::load();
    // The cover a build of the seed uses: generated from its title.
    let t = Instant::now();
    let cover = cover::prepare(&book, &fonts).expect("cover");
    println!(
        "cover: generated in {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    run("seed", &book, &fonts, &cover, 5);
    // The same without the cover image, to separate text and fonts from it.
    let doc = bindery::layout::typeset(&book, &fonts, None);
    let bytes = bindery::editions::pdf::write_pdf(&doc, &book, &fonts, &cover, 0).expect("renders");
    println!(
        "seed without cover image: {:.0} KB PDF (cover image {} x {}, {:.0} KB encoded)",
        bytes.len() as f64 / 1024.0,
        cover.width,
        cover.height,
        cover.bytes.len() as f64 / 1024.0
    );
    for n in [50, 100, 200] {
        let big = seed::repeated(&book, n);
        run(&format!("{n} articles"), &big, &fonts, &cover, 2);
    }
    if let Some(mb) = peak_rss_mb() {
        println!("peak memory (VmHWM): {mb:.0} MB");
    }
}
