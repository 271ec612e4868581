//! Save-to-reload time of `bindery serve` on the seed book: a chapter is
//! open in headless Chromium, the chapter file is saved with new text, and
//! the time until the reloaded page shows that text (its load event
//! passed, fonts included) is taken, 15 times.
//! Run with `cargo bench --bench serve`; prints the figures and exits 1
//! when the median is over the 500 ms budget.

#[path = "../common/mod.rs"]
mod common;
#[path = "../serve_cdp/mod.rs"]
mod serve_cdp;

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use serve_cdp::{Browser, MARK_VIEW, Serve, VIEW_RELOADED, VIEW_TEXT};

const BUDGET: Duration = Duration::from_millis(500);
const SAVES: usize = 15;

fn main() {
    let work = tempfile::tempdir().unwrap();
    let book = work.path().join("book");
    common::copy_book(&book);
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_bindery"));
    let serve = Serve::start(&bin, &book, work.path());
    let mut b = Browser::launch();
    let chapter = book.join("01.md");
    let original = std::fs::read_to_string(&chapter).unwrap();
    let first = "党的二十届三中全会";
    b.navigate(&format!("{}/#epub/EPUB/ch01.xhtml", serve.base));
    let wait = Duration::from_secs(30);
    b.wait_for(
        &format!("{VIEW_TEXT}.includes({})", json!(first)),
        wait,
        "the chapter shows",
    );

    let cpu_before = cpu_ms(serve.child.id());
    let mut times = Vec::with_capacity(SAVES);
    let mut parts = Vec::with_capacity(SAVES);
    for i in 0..SAVES {
        // Settle: no build running, nothing pending.
        std::thread::sleep(Duration::from_millis(300));
        let marker = format!("第{}次保存的文字", i + 1);
        b.eval(MARK_VIEW);
        let saved = unix_ms();
        std::fs::write(&chapter, original.replacen(first, &marker, 1)).unwrap();
        let took = b.wait_for(
            &format!(
                "{VIEW_RELOADED} && {VIEW_TEXT}.includes({}) && \
                 document.getElementById('view').contentDocument.readyState === 'complete'",
                json!(marker)
            ),
            wait,
            "the page reloads with the saved text",
        );
        times.push(took);
        parts.push(phases(&mut b, saved));
    }
    let cpu_per_save = (cpu_ms(serve.child.id()) - cpu_before) / SAVES as f64;
    drop(b);
    drop(serve);

    let mut sorted = times.clone();
    sorted.sort();
    let ms = |d: Duration| d.as_millis();
    let median = sorted[SAVES / 2];
    println!(
        "save to reload, seed book, {SAVES} saves: median {} ms, min {} ms, max {} ms (budget {} ms)",
        ms(median),
        ms(sorted[0]),
        ms(sorted[SAVES - 1]),
        ms(BUDGET)
    );
    println!(
        "each: {:?} ms",
        times.iter().map(|t| t.as_millis()).collect::<Vec<_>>()
    );
    let median_of = |k: usize| {
        let mut v: Vec<f64> = parts.iter().map(|p| p[k]).collect();
        v.sort_by(f64::total_cmp);
        v[SAVES / 2]
    };
    println!(
        "median phases: save → chapter requested {:.0} ms (file events, build, event stream), \
         → chapter loaded {:.0} ms (document, style sheet, fonts)",
        median_of(0),
        median_of(1)
    );
    println!("server CPU time per save (the build and serving the chapter): {cpu_per_save:.0} ms");
    if median > BUDGET {
        println!("OVER BUDGET");
        std::process::exit(1);
    }
}

fn unix_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

/// Where the time went, from the browser's own clocks: save → the frame's
/// request for the document (file events, build, event stream), → the
/// frame's load event (document, style sheet, fonts).
fn phases(b: &mut Browser, saved: f64) -> [f64; 2] {
    let v = b.eval(
        "(() => { const w = document.getElementById('view').contentWindow; \
         const n = w.performance.getEntriesByType('navigation')[0]; \
         return [w.performance.timeOrigin, n.loadEventEnd]; })()",
    );
    let t = |i: usize| v[i].as_f64().unwrap();
    [t(0) - saved, t(1)]
}

/// User + system CPU time of process `pid` so far, from /proc (in ticks of
/// 10 ms, the unit /proc reports on Linux).
fn cpu_ms(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which is in parentheses).
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    ticks * 10.0
}
