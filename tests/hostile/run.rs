//! Runs one hostile case: lays out its folders, takes a snapshot of every
//! file, runs bindery under a time guard (and an address-space limit, so a
//! runaway allocation fails the case instead of the machine), then checks
//! the exit code, the messages, what changed on disk and the outputs.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::cases::{Case, Env, Expect, Run};
use super::files::MARK;

/// A case that takes longer than this hangs.
pub const GUARD: Duration = Duration::from_secs(10);
/// Memory a case may take: inputs past a size limit are refused before
/// they are read, so no case needs more.
pub const MAX_KB: u64 = 200 * 1024;

fn hwm(status: &str) -> Option<u64> {
    let v = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    v.trim().trim_end_matches("kB").trim().parse().ok()
}

/// What a path holds, to compare before and after a run.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Dir,
    File { len: u64, digest: String },
    Link(std::path::PathBuf),
    Other(String),
}

type Snapshot = BTreeMap<String, Entry>;

fn snapshot(root: &Path) -> Snapshot {
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Snapshot) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let rel = p.strip_prefix(root).unwrap().display().to_string();
        let meta = std::fs::symlink_metadata(&p).unwrap();
        let ft = meta.file_type();
        let entry = if ft.is_symlink() {
            Entry::Link(std::fs::read_link(&p).unwrap())
        } else if ft.is_dir() {
            walk(root, &p, out);
            Entry::Dir
        } else if ft.is_file() {
            // Sparse giants are compared by size and time only.
            let digest = if meta.len() <= 64 << 20 {
                sha1_smol::Sha1::from(std::fs::read(&p).unwrap())
                    .digest()
                    .to_string()
            } else {
                format!("{:?}", meta.modified().unwrap())
            };
            Entry::File {
                len: meta.len(),
                digest,
            }
        } else {
            Entry::Other(format!("{ft:?}"))
        };
        out.insert(rel, entry);
    }
}

/// One line of stderr read as a diagnostic: path, line and column (when
/// given), severity and message.
struct Line<'a> {
    path: &'a str,
    pos: Option<(u32, u32)>,
    error: bool,
    message: &'a str,
}

fn parse_line(l: &str) -> Option<Line<'_>> {
    let (head, error, message) = if let Some(i) = l.find(": error: ") {
        (&l[..i], true, &l[i + 9..])
    } else if let Some(i) = l.find(": warning: ") {
        (&l[..i], false, &l[i + 11..])
    } else if let Some(m) = l.strip_prefix("error: ") {
        return Some(Line {
            path: "",
            pos: None,
            error: true,
            message: m,
        });
    } else {
        return None;
    };
    let mut parts = head.rsplitn(3, ':');
    let (c, ln, p) = (parts.next(), parts.next(), parts.next());
    if let (Some(c), Some(ln), Some(p)) = (c, ln, p)
        && let (Ok(c), Ok(ln)) = (c.parse(), ln.parse())
    {
        return Some(Line {
            path: p,
            pos: Some((ln, c)),
            error,
            message,
        });
    }
    Some(Line {
        path: head,
        pos: None,
        error,
        message,
    })
}

/// Runs `case` in a fresh folder; `Err` says what went wrong.
pub fn run(case: &Case) -> Result<(Duration, u64), String> {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    let env = Env {
        book: root.join("book"),
        secret: root.join("secret"),
        out: root.join("out"),
        root: root.clone(),
    };
    env.plant();
    env.dir("out");
    (case.setup)(&env);
    let before = snapshot(&root);

    let mut cmd = Command::new("prlimit");
    cmd.arg("--as=4294967296").arg("--");
    // Quiet: errors only, so every line of stderr is a diagnostic.
    cmd.arg(env!("CARGO_BIN_EXE_bindery")).arg("--quiet");
    let out_dir = match &case.run {
        Run::Build | Run::BuildBook(_) => {
            let book = match &case.run {
                Run::BuildBook(b) => root.join(b),
                _ => env.book.clone(),
            };
            cmd.arg("build").arg("--book").arg(book);
            cmd.arg("--out").arg(&env.out);
            "out"
        }
        Run::Import { page, into, force } => {
            cmd.arg("import").arg(root.join(page));
            cmd.arg("--into").arg(root.join(into));
            if *force {
                cmd.arg("--force");
            }
            "into"
        }
    };
    cmd.current_dir(&root)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env("CI", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("spawn: {e}"))?;
    let mut pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        buf
    });
    // The peak memory, as the kernel's high-water mark read while the
    // process runs (the last read is at most one poll before its end).
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    let status = loop {
        if let Some(kb) = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|s| hwm(&s))
        {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > GUARD {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {GUARD:?}: a hang"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    let after = snapshot(&root);
    let fail = |m: String| Err(format!("{m}\nstderr:\n{}", clip(&stderr)));

    let code = status.code();
    if matches!(code, Some(101) | Some(134)) || code.is_none() || stderr.contains("panicked") {
        return fail(format!("crashed: {status}"));
    }
    if peak_kb > MAX_KB {
        return fail(format!(
            "{} MB of memory; a case may take {} MB",
            peak_kb / 1024,
            MAX_KB / 1024
        ));
    }
    if stderr.contains(MARK) {
        return fail("a secret file's text is in the messages".into());
    }
    if let Some(c) = stderr.chars().find(|c| c.is_control() && *c != '\n') {
        return fail(format!(
            "raw control character U+{:04X} in the messages",
            c as u32
        ));
    }
    let lines: Vec<&str> = stderr.lines().collect();
    let parsed: Vec<Line> = match lines.iter().map(|l| parse_line(l)).collect() {
        Some(p) => p,
        None => return fail("a message line is not `FILE:LINE:COLUMN: error: …`".into()),
    };
    match &case.expect {
        Expect::Ok => {
            if code != Some(0) {
                return fail(format!("want exit 0, got {code:?}"));
            }
            for (path, entry) in &after {
                let inside = path == out_dir || path.starts_with(&format!("{out_dir}/"));
                if !inside && before.get(path) != Some(entry) {
                    return fail(format!("{path} changed outside {out_dir}/"));
                }
                if inside && path.contains("/.") {
                    return fail(format!("temporary file {path} left behind"));
                }
            }
            for path in before.keys() {
                let inside = path.starts_with(&format!("{out_dir}/"));
                if !inside && !after.contains_key(path) {
                    return fail(format!("{path} removed outside {out_dir}/"));
                }
            }
            if out_dir == "out" {
                let names: Vec<&String> = after
                    .keys()
                    .filter(|p| p.starts_with("out/") && !p[4..].contains('/'))
                    .collect();
                let ok = names.len() == 2
                    && names.iter().any(|n| n.ends_with(".pdf"))
                    && names.iter().any(|n| n.ends_with(".epub"));
                if !ok {
                    return fail(format!(
                        "want one PDF and one EPUB in out/, found {names:?}"
                    ));
                }
            }
            for (path, entry) in &after {
                if matches!(entry, Entry::File { .. })
                    && path.starts_with(&format!("{out_dir}/"))
                    && leaks(&std::fs::read(root.join(path)).unwrap())
                {
                    return fail(format!("{path} holds a secret file's bytes"));
                }
            }
        }
        Expect::Fail { .. } | Expect::FailFile { .. } => {
            if code != Some(1) {
                return fail(format!("want exit 1, got {code:?}"));
            }
            if before != after {
                return fail(describe_change(&before, &after));
            }
            if !parsed.iter().any(|l| wanted(&case.expect, l)) {
                return fail(format!("no error as wanted: {:?}", case.expect));
            }
            if case.name.contains("problems together") {
                for word in ["nocover.png", "none.otf", "leaves the book folder"] {
                    if !parsed.iter().any(|l| l.error && l.message.contains(word)) {
                        return fail(format!("all problems in one run: no error about {word}"));
                    }
                }
            }
        }
    }
    Ok((took, peak_kb))
}

fn wanted(expect: &Expect, l: &Line) -> bool {
    if !l.error {
        return false;
    }
    match expect {
        Expect::Fail {
            file,
            line,
            column,
            words,
        } => {
            l.path.ends_with(file.as_str())
                && l.message.contains(words.as_str())
                && match l.pos {
                    Some((ln, c)) => ln == *line && column.is_none_or(|want| want == c),
                    None => false,
                }
        }
        Expect::FailFile { file, words } => {
            l.path.ends_with(file.as_str()) && l.pos.is_none() && l.message.contains(words.as_str())
        }
        Expect::Ok => false,
    }
}

fn describe_change(before: &Snapshot, after: &Snapshot) -> String {
    for (p, e) in after {
        if before.get(p) != Some(e) {
            return format!("{p} was written by a failed run");
        }
    }
    for p in before.keys() {
        if !after.contains_key(p) {
            return format!("{p} was removed by a failed run");
        }
    }
    "the folders changed".into()
}

fn clip(s: &str) -> String {
    if s.len() <= 2000 {
        return s.to_string();
    }
    let end = s.floor_char_boundary(2000);
    format!("{}… ({} bytes)", &s[..end], s.len())
}

/// Whether `bytes` (a file as written) carry the secret marker: as they
/// are, inside any ZIP entry, or inside any Flate stream of a PDF.
pub fn leaks(bytes: &[u8]) -> bool {
    let mark = MARK.as_bytes();
    let has = |b: &[u8]| b.windows(mark.len()).any(|w| w == mark);
    if has(bytes) {
        return true;
    }
    if bytes.starts_with(b"PK")
        && let Ok(mut z) = zip::ZipArchive::new(std::io::Cursor::new(bytes))
    {
        for i in 0..z.len() {
            let mut data = Vec::new();
            z.by_index(i).unwrap().read_to_end(&mut data).unwrap();
            if has(&data) {
                return true;
            }
        }
    }
    if bytes.starts_with(b"%PDF") {
        let mut at = 0;
        while let Some(i) = find(&bytes[at..], b"stream") {
            let start = at + i + 6;
            let start = if bytes[start..].starts_with(b"\r\n") {
                start + 2
            } else {
                start + 1
            };
            let Some(len) = find(&bytes[start..], b"endstream") else {
                break;
            };
            let mut data = Vec::new();
            let z = flate2::read::ZlibDecoder::new(&bytes[start..start + len]);
            let _ = z.take(256 << 20).read_to_end(&mut data);
            if has(&data) {
                return true;
            }
            at = start + len + 9;
        }
    }
    false
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
