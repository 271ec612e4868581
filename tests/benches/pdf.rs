//! Print edition benchmark: time and size for the seed book and for a
//! 200-article book (the seed's articles repeated, about 1 MB of text).
//! Run with `cargo bench --bench pdf`; prints figures, asserts nothing.

use std::time::Instant;

mod seed;

use bindery::model::Book;
use bindery::pipeline::Prepared;

fn text_bytes(book: &Book) -> usize {
    book.visible_text().len()
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn run(name: &str, p: &Prepared, rounds: usize) {
    let book = p.book();
    let mut best = f64::INFINITY;
    let mut size = 0;
    let mut pages = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        let r = p.render("pdf", None).expect("renders");
        best = best.min(t.elapsed().as_secs_f64());
        size = r.bytes.len();
        pages = r.page_map.map_or(0, |m| m.pages.len());
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
    let p = seed::load();
    // The cover a build of the seed uses: generated from its title.
    let t = Instant::now();
    let cover = bindery::assets::cover::prepare(p.book(), &p.fonts).expect("cover");
    println!(
        "cover: generated in {:.0} ms ({} x {}, {:.0} KB encoded)",
        t.elapsed().as_secs_f64() * 1000.0,
        cover.width,
        cover.height,
        cover.bytes().len() as f64 / 1024.0
    );
    run("seed", &p, 5);
    let book = p.book().clone();
    let mut p = p;
    for n in [50, 100, 200] {
        p = p.with_book(seed::repeated(&book, n)).unwrap();
        run(&format!("{n} articles"), &p, 2);
    }
    if let Some(mb) = peak_rss_mb() {
        println!("peak memory (VmHWM): {mb:.0} MB");
    }
}
