//! The hostile-input suite: generated book folders and import pages that
//! try to read outside the book, write outside --out, hang, crash or
//! exhaust memory (see tests/hostile/cases.rs for the classes). Every case
//! runs the real binary under a 10 s guard; secret files planted beside
//! the book must appear in no output and no message, a failure exits 1
//! with a positioned one-line message and leaves every folder as it was.

#[path = "hostile/cases.rs"]
mod cases;
#[path = "hostile/files.rs"]
mod files;
#[path = "hostile/run.rs"]
mod run;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn hostile_inputs() {
    let all = cases::all();
    assert!(all.len() >= 240, "only {} cases", all.len());
    let mut names = std::collections::HashSet::new();
    for c in &all {
        assert!(names.insert((c.class, c.name.clone())), "twice: {}", c.name);
    }
    let filter = std::env::var("HOSTILE_FILTER").unwrap_or_default();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let times = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = all.get(i) else { break };
                    if !case.name.contains(&filter) {
                        continue;
                    }
                    let result =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run::run(case)))
                            .unwrap_or_else(|_| Err("the case itself panicked".into()));
                    match result {
                        Ok((t, kb)) => times.lock().unwrap().push((t, kb, case.name.clone())),
                        Err(e) => failures
                            .lock()
                            .unwrap()
                            .push(format!("[{}] {}: {e}", case.class, case.name)),
                    }
                }
            });
        }
    });
    let mut by_class: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &all {
        *by_class.entry(c.class).or_default() += 1;
    }
    let mut times = times.into_inner().unwrap();
    times.sort();
    eprintln!("{} cases by class: {by_class:?}", all.len());
    eprintln!(
        "slowest: {:?}",
        times.iter().rev().take(5).collect::<Vec<_>>()
    );
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_leak_detector_finds_secrets_in_zip_and_pdf_streams() {
    // The detector must be able to fail: a marker inside a deflated ZIP
    // entry and inside a Flate stream is found, plain output is not.
    let mut zip_bytes = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut zip_bytes);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("a.png", opts).unwrap();
        std::io::Write::write_all(&mut z, &files::secret_png()).unwrap();
        z.finish().unwrap();
    }
    let zip_bytes = zip_bytes.into_inner();
    assert!(
        !zip_bytes
            .windows(files::MARK.len())
            .any(|w| w == files::MARK.as_bytes())
    );
    assert!(run::leaks(&zip_bytes));
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut z, files::secret_jpeg().as_slice()).unwrap();
    let mut pdf = b"%PDF-1.7\n1 0 obj<</Length 9>>stream\n".to_vec();
    pdf.extend(z.finish().unwrap());
    pdf.extend(b"\nendstream endobj\n");
    assert!(run::leaks(&pdf));
    assert!(!run::leaks(
        b"%PDF-1.7\n1 0 obj<<>>stream\nxyz\nendstream\n"
    ));
}
