//! Size and speed of the EPUB edition: the seed book and a 200-article
//! book (the seed's articles repeated, built in memory). Run with
//! `cargo bench --bench epub`; prints figures, asserts nothing.

use std::path::Path;
use std::time::{Duration, Instant};

use bindery::cover;
use bindery::epub::write_epub;
use bindery::fonts::FontSet;
use bindery::load::load_book;
use bindery::model::Book;

const MODIFIED: i64 = 1_764_288_000;

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

fn repeated(book: &Book, n: usize) -> Book {
    let mut big = book.clone();
    big.chapters = (0..n)
        .map(|i| {
            let mut ch = book.chapters[i % book.chapters.len()].clone();
            ch.id = format!("ch{:03}", i + 1);
            ch
        })
        .collect();
    big
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("book");
    let t = Instant::now();
    let book = load_book(&root).expect("seed loads");
    let fonts =
        FontSet::load(&book.fonts, &book.root, &book.root.join("book.toml")).expect("fonts");
    let load = t.elapsed();
    let (cover_med, cover_min, cover) = time(5, || cover::prepare(&book, &fonts).expect("cover"));
    println!("load book + fonts: {}", ms(load));
    println!(
        "cover (generated {}x{} PNG): median {}, min {}, {} bytes",
        cover.width,
        cover.height,
        ms(cover_med),
        ms(cover_min),
        cover.bytes.len()
    );

    let (med, min, epub) = time(20, || {
        write_epub(&book, &fonts, &cover, None, MODIFIED).expect("epub")
    });
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
    let (med, min, _) = time(10, || {
        let book = load_book(&root).expect("seed loads");
        let fonts =
            FontSet::load(&book.fonts, &book.root, &book.root.join("book.toml")).expect("fonts");
        let cover = cover::prepare(&book, &fonts).expect("cover");
        write_epub(&book, &fonts, &cover, None, MODIFIED).expect("epub")
    });
    println!(
        "seed load + cover + EPUB: median {}, min {}",
        ms(med),
        ms(min)
    );

    let big = repeated(&book, 200);
    let (med, min, epub) = time(5, || {
        write_epub(&big, &fonts, &cover, None, MODIFIED).expect("epub")
    });
    println!(
        "200-article EPUB ({} chars of text): median {}, min {}, {} bytes ({:.0} KB)",
        big.visible_text().chars().count(),
        ms(med),
        ms(min),
        epub.len(),
        epub.len() as f64 / 1024.0
    );
}
