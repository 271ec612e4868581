//! Size and speed of the EPUB edition: the seed book and a 200-article
//! book (the seed's articles repeated, built in memory). Run with
//! `cargo bench --bench epub`; prints figures, asserts nothing.

use std::time::{Duration, Instant};

mod seed;

use bindery::assets::cover;
use bindery::pipeline::Prepared;

const MODIFIED: i64 = 1_764_288_000;

fn write_epub(p: &Prepared) -> Vec<u8> {
    p.render("epub", None).expect("epub").bytes
}

/// Median and minimum of `runs` timings of `f`.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    times.sort();
    (times[runs / 2], times[0], last.expect("at least one run"))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let t = Instant::now();
    let mut p = seed::load();
    p.date = MODIFIED;
    let load = t.elapsed();
    let book = p.book().clone();
    let (cover_med, cover_min, cover) = time(5, || cover::prepare(&book, &p.fonts).expect("cover"));
    println!("load book + fonts: {}", ms(load));
    println!(
        "cover (generated {}x{} PNG): median {}, min {}, {} bytes",
        cover.width,
        cover.height,
        ms(cover_med),
        ms(cover_min),
        cover.bytes().len()
    );

    let (med, min, epub) = time(20, || write_epub(&p));
    println!(
        "seed EPUB ({} articles, {} chars): median {}, min {}, {} bytes ({:.0} KB)",
        book.chapters.len(),
        book.visible_text().chars().count(),
        ms(med),
        ms(min),
        epub.len(),
        epub.len() as f64 / 1024.0
    );

    // What `bindery build --epub` does for the seed, end to end.
    let (med, min, _) = time(10, || write_epub(&seed::load()));
    println!(
        "seed load + cover + EPUB: median {}, min {}",
        ms(med),
        ms(min)
    );

    let big = seed::repeated(&book, 200);
    let p = p.with_book(big.clone()).unwrap();
    let (med, min, epub) = time(5, || write_epub(&p));
    println!(
        "200-article EPUB ({} chars of text): median {}, min {}, {} bytes ({:.0} KB)",
        big.visible_text().chars().count(),
        ms(med),
        ms(min),
        epub.len(),
        epub.len() as f64 / 1024.0
    );
}
