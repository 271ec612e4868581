//! Linear time on large chapters: one chapter of N paragraphs, one of N
//! footnotes, one single paragraph of N megabytes, each built whole (both
//! editions written) at its size and at double the size. Each build runs
//! in a fresh process (this program started again with `--one`), which
//! reports its wall and CPU time and its peak memory (VmHWM).
//!
//! `cargo bench --bench sources` prints a table and exits 1 when a build
//! takes more than 10 s of CPU or 1 GB, or doubling the input more than
//! doubles the CPU time (with 25 % for noise). `-- --quick` runs the
//! sizes divided by ten.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const SENTENCE: &str = "坚持创新引领、重点突破，在充分发挥经济体制改革牵引作用中贡献力量。";

/// The chapter for `kind` at size `n`.
fn chapter(kind: &str, n: usize) -> String {
    let mut s = String::from("+++\ntitle = \"大章\"\n+++\n\n");
    match kind {
        "paragraphs" => {
            for i in 0..n {
                s.push_str(&format!("第{i}段。坚持创新引领、重点突破。\n\n"));
            }
        }
        "footnotes" => {
            for i in 0..n {
                s.push_str(&format!("第{i}段有注[^{i}]。\n\n"));
            }
            for i in 0..n {
                s.push_str(&format!("[^{i}]: 注{i}。\n"));
            }
        }
        "megabytes" => {
            let bytes = n * 1_000_000;
            while s.len() < bytes {
                s.push_str(SENTENCE);
            }
            s.push('\n');
        }
        _ => unreachable!("{kind}"),
    }
    s
}

/// Builds one book in this process and prints `wall cpu peak_kb`.
fn one(kind: &str, n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    std::fs::create_dir_all(&book).unwrap();
    std::fs::write(
        book.join("book.toml"),
        "[book]\ntitle = \"大书\"\nchapters = [\"01.md\"]\n",
    )
    .unwrap();
    std::fs::write(book.join("01.md"), chapter(kind, n)).unwrap();
    let cpu0 = cpu_seconds();
    let start = Instant::now();
    let opts = bindery::pipeline::BuildOptions {
        book: book.clone(),
        out: dir.path().join("out"),
        editions: Vec::new(),
        missing: None,
    };
    let report = bindery::pipeline::build(&opts, &|_| {})
        .unwrap_or_else(|f| panic!("{kind} {n} builds: {f}"));
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    let steps: Vec<String> = report
        .steps
        .iter()
        .map(|(s, d)| format!("{s}={:.2}", d.as_secs_f64()))
        .collect();
    println!("{wall:.2} {cpu:.2} {} {}", peak_kb(), steps.join(","));
}

/// User and system time of this process, from /proc (clock ticks of 10 ms).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split(' ').collect();
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    ticks / 100.0
}

fn peak_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or(0)
}

struct Row {
    kind: &'static str,
    n: usize,
    wall: f64,
    cpu: f64,
    kb: u64,
    steps: String,
}

fn run(me: &Path, kind: &'static str, n: usize) -> Row {
    let out = Command::new(me)
        .args(["--one", kind, &n.to_string()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{kind} {n}: {}{}",
        text,
        String::from_utf8_lossy(&out.stderr)
    );
    let f: Vec<&str> = text.trim().split(' ').collect();
    Row {
        kind,
        n,
        wall: f[0].parse().unwrap(),
        cpu: f[1].parse().unwrap(),
        kb: f[2].parse().unwrap(),
        steps: f.get(3).unwrap_or(&"").to_string(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--one") {
        one(&args[i + 1], args[i + 2].parse().unwrap());
        return;
    }
    let scale = if args.iter().any(|a| a == "--quick") {
        10
    } else {
        1
    };
    let me = std::env::current_exe().unwrap();
    let mut fail = false;
    println!(
        "{:<11} {:>8} {:>7} {:>7} {:>8}  steps (s)",
        "chapter", "size", "wall s", "cpu s", "peak MB"
    );
    for (kind, n) in [
        ("paragraphs", 100_000),
        ("footnotes", 100_000),
        ("megabytes", 5),
    ] {
        let n1 = if kind == "megabytes" { n } else { n / scale };
        let a = run(&me, kind, n1);
        let b = run(&me, kind, n1 * 2);
        for r in [&a, &b] {
            println!(
                "{:<11} {:>8} {:>7.2} {:>7.2} {:>8}  {}",
                r.kind,
                r.n,
                r.wall,
                r.cpu,
                r.kb / 1024,
                r.steps
            );
            if r.n == n1 && (r.cpu > 10.0 || r.kb > 1024 * 1024) {
                println!("  over budget: 10 s of CPU and 1 GB");
                fail = true;
            }
        }
        let ratio = b.cpu / a.cpu.max(0.01);
        println!("  doubling: ×{ratio:.2} CPU time");
        if ratio > 2.5 {
            println!("  more than linear");
            fail = true;
        }
    }
    if fail {
        std::process::exit(1);
    }
}
