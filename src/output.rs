//! Writing the editions: all of them or none. Every file goes to a
//! temporary file in its folder first; only when all are complete are they
//! renamed over their targets, and if a rename fails the targets already
//! replaced get their previous files back. Builds into one folder take
//! turns (a lock on the folder), so two builds at once never leave an EPUB
//! of one beside a PDF of the other, and temporary files a killed build
//! left behind are removed by the next one.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, io_error};

/// Writes one file atomically (a temporary file renamed over the target).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    write_all(&[(path.to_path_buf(), bytes)])
}

/// Writes every file or, on failure, none: the previous files stay.
pub fn write_all(files: &[(PathBuf, &[u8])]) -> Result<(), Diagnostic> {
    let mut locks = Vec::new();
    for dir in folders(files) {
        fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
        let lock = fs::File::open(&dir).map_err(|e| io_error(&dir, &e))?;
        lock.lock().map_err(|e| io_error(&dir, &e))?;
        remove_stale(&dir, files);
        locks.push(lock);
    }
    for (path, _) in files {
        if path.is_dir() {
            return Err(Diagnostic::error_file(
                path,
                "is a folder; the edition cannot be written there",
            )
            .rule("output.write"));
        }
    }
    let mut staged = Vec::new();
    for (path, bytes) in files {
        match stage(path, bytes) {
            Ok(tmp) => staged.push(tmp),
            Err(d) => {
                staged.iter().for_each(|t| drop(fs::remove_file(t)));
                return Err(d);
            }
        }
    }
    commit(files, &staged)
    // The locks are released when `locks` is dropped.
}

/// The folders the files go into, each once.
fn folders(files: &[(PathBuf, &[u8])]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for (path, _) in files {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !out.contains(&dir) {
            out.push(dir);
        }
    }
    out
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn temp_path(path: &Path, kind: &str) -> PathBuf {
    let dir = path.parent().unwrap_or(Path::new("."));
    dir.join(format!(".{}.{kind}-{}", name_of(path), std::process::id()))
}

/// Temporary files of these targets that an earlier, killed build left
/// (only one build holds the folder's lock, so none is in use).
fn remove_stale(dir: &Path, files: &[(PathBuf, &[u8])]) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let prefixes: Vec<String> = files
        .iter()
        .map(|(p, _)| format!(".{}.", name_of(p)))
        .collect();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = prefixes.iter().any(|p| {
            name.strip_prefix(p.as_str())
                .is_some_and(|rest| rest.starts_with("tmp-") || rest.starts_with("prev-"))
        });
        if ours {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Writes `bytes` to a temporary file beside `path` and returns its name.
fn stage(path: &Path, bytes: &[u8]) -> Result<PathBuf, Diagnostic> {
    let tmp = temp_path(path, "tmp");
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(io_error(path, &e));
    }
    Ok(tmp)
}

/// Renames the staged files over their targets, keeping each previous file
/// (hard-linked aside) until all are in place.
fn commit(files: &[(PathBuf, &[u8])], staged: &[PathBuf]) -> Result<(), Diagnostic> {
    let mut done: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    for ((path, _), tmp) in files.iter().zip(staged) {
        let prev = temp_path(path, "prev");
        let kept = fs::hard_link(path, &prev).is_ok().then_some(prev);
        if let Err(e) = fs::rename(tmp, path) {
            // Put back what was replaced; remove what is left unfinished.
            for (p, old) in done.iter().rev() {
                match old {
                    Some(old) => drop(fs::rename(old, p)),
                    None => drop(fs::remove_file(p)),
                }
            }
            staged.iter().for_each(|t| drop(fs::remove_file(t)));
            kept.iter().for_each(|k| drop(fs::remove_file(k)));
            return Err(io_error(path, &e));
        }
        done.push((path.clone(), kept));
    }
    for (_, old) in done {
        if let Some(old) = old {
            let _ = fs::remove_file(old);
        }
    }
    Ok(())
}
