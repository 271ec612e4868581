//! Reading the files a book names — `book.toml`, chapters, images, the
//! cover, fonts — by one rule: a path given relative to the book folder
//! must resolve, after following every symlink, to a file inside it;
//! only regular files are read (a FIFO would block, `/dev/zero` never
//! ends), and each kind of file has a size limit checked from its
//! metadata before anything is read. A path leading out of the book gets
//! one answer whether or not its target exists, so a book cannot probe
//! the machine it is built on.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest `book.toml`: settings are a few kilobytes.
pub const MAX_BOOK_TOML_BYTES: u64 = 1024 * 1024;
/// Largest chapter file (about five million Chinese characters).
pub const MAX_CHAPTER_BYTES: u64 = 16 * 1024 * 1024;
/// Largest font file (the biggest CJK collections are tens of megabytes).
pub const MAX_FONT_BYTES: u64 = 128 * 1024 * 1024;

/// Where a named file may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confine {
    /// Inside the book folder, after following symlinks.
    Book,
    /// Anywhere: for a font the book names by an absolute path (a system
    /// font). A font named by a relative path is held to the book folder.
    Anywhere,
}

/// Why a named file was not read.
#[derive(Debug)]
pub enum Refusal {
    /// No such file inside the book folder.
    NotFound,
    /// The path leads out of the book folder, or is a broken or looping
    /// symlink: one answer, whatever lies at the end.
    Outside,
    /// A folder, FIFO, socket or device: named for the message.
    NotRegular(&'static str),
    /// Larger than the limit (both in bytes).
    TooLarge {
        len: u64,
        max: u64,
    },
    Io(std::io::Error),
}

impl Refusal {
    /// The message for `what` (`chapter file`, `image`, …) named `shown`.
    pub fn message(&self, what: &str, shown: &str) -> String {
        match self {
            Refusal::NotFound => format!("{what} {shown} not found"),
            Refusal::Outside => format!("{what} {shown} is not a file inside the book folder"),
            Refusal::NotRegular(kind) => {
                format!("{what} {shown} is {kind}, not a regular file; only regular files are read")
            }
            Refusal::TooLarge { len, max } => format!(
                "{what} {shown} is larger than {} ({} bytes), the limit for one {what}",
                size(*max),
                len
            ),
            Refusal::Io(e) => format!("{what} {shown}: {e}"),
        }
    }
}

/// `16 MiB`, `512 KiB`: a limit as the README states it.
pub fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

/// The kind of a non-regular file, for messages.
fn kind(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a file"
    }
}

/// The real path of `path`, held to `root` by `confine`.
pub fn resolve(path: &Path, root: &Path, confine: Confine) -> Result<PathBuf, Refusal> {
    let anywhere = confine == Confine::Anywhere;
    if !anywhere && !lexically_inside(path, root) {
        return Err(Refusal::Outside);
    }
    let real_root = root.canonicalize().map_err(Refusal::Io)?;
    match path.canonicalize() {
        Ok(real) if anywhere || real.starts_with(&real_root) => Ok(real),
        Ok(_) => Err(Refusal::Outside),
        Err(_) if anywhere => Err(Refusal::NotFound),
        Err(_) => {
            // Missing. Say so only when the nearest folder that exists is
            // inside the book and the name is not a broken symlink:
            // anything else would tell what lies outside.
            if path.symlink_metadata().is_ok() {
                return Err(Refusal::Outside);
            }
            let mut dir = path.parent();
            while let Some(d) = dir {
                if let Ok(real) = d.canonicalize() {
                    return if real.starts_with(&real_root) {
                        Err(Refusal::NotFound)
                    } else {
                        Err(Refusal::Outside)
                    };
                }
                if d.symlink_metadata().is_ok() {
                    return Err(Refusal::Outside);
                }
                dir = d.parent();
            }
            Err(Refusal::Outside)
        }
    }
}

/// Whether `path` is `root` joined to a relative path that does not climb
/// out of it (symlinks are checked by [`resolve`]).
fn lexically_inside(path: &Path, root: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut depth = 0usize;
    for c in rel.components() {
        match c {
            std::path::Component::Normal(_) => depth += 1,
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if depth == 0 {
                    return false;
                }
                depth -= 1;
            }
            _ => return false,
        }
    }
    true
}

/// Reads the regular file at `path` (confined as `confine` says) of at
/// most `max` bytes. Kind and size come from the metadata before the file
/// is opened, and again from the open file (it may have been swapped).
pub fn read(path: &Path, root: &Path, confine: Confine, max: u64) -> Result<Vec<u8>, Refusal> {
    let real = resolve(path, root, confine)?;
    let meta = std::fs::metadata(&real).map_err(Refusal::Io)?;
    check(&meta, max)?;
    let file = open_nonblocking(&real).map_err(Refusal::Io)?;
    let meta = file.metadata().map_err(Refusal::Io)?;
    check(&meta, max)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(Refusal::Io)?;
    if bytes.len() as u64 > max {
        return Err(Refusal::TooLarge {
            len: bytes.len() as u64,
            max,
        });
    }
    Ok(bytes)
}

fn check(meta: &Metadata, max: u64) -> Result<(), Refusal> {
    if !meta.is_file() {
        return Err(Refusal::NotRegular(kind(meta)));
    }
    if meta.len() > max {
        return Err(Refusal::TooLarge {
            len: meta.len(),
            max,
        });
    }
    Ok(())
}

/// Opens for reading without blocking, should a FIFO have been put in
/// the file's place since its metadata was read.
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK; it has no effect on regular files.
        options.custom_flags(0o4000);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confinement_and_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("book");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("a.txt"), "a").unwrap();
        std::fs::write(dir.path().join("secret"), "s").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), root.join("out")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        let r = |p: &str| read(&root.join(p), &root, Confine::Book, 10);
        assert_eq!(r("a.txt").unwrap(), b"a");
        assert_eq!(r("sub/../a.txt").unwrap(), b"a");
        assert!(matches!(r("out"), Err(Refusal::Outside)));
        assert!(matches!(r("../secret"), Err(Refusal::Outside)));
        assert!(matches!(r("up/secret"), Err(Refusal::Outside)));
        // Missing files outside get the same answer as existing ones.
        assert!(matches!(r("up/none"), Err(Refusal::Outside)));
        assert!(matches!(r("none"), Err(Refusal::NotFound)));
        assert!(matches!(r("sub"), Err(Refusal::NotRegular("a folder"))));
        let abs = dir.path().join("secret");
        assert!(matches!(
            read(&abs, &root, Confine::Book, 10),
            Err(Refusal::Outside)
        ));
        assert_eq!(read(&abs, &root, Confine::Anywhere, 10).unwrap(), b"s");
        assert!(matches!(
            read(Path::new("/dev/zero"), &root, Confine::Anywhere, 10),
            Err(Refusal::NotRegular("a device"))
        ));
        std::fs::write(root.join("big"), "0123456789x").unwrap();
        assert!(matches!(
            r("big"),
            Err(Refusal::TooLarge { len: 11, max: 10 })
        ));
    }
}
