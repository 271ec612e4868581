//! Watching the book folder: file events, debounced, become one "changed"
//! signal for the build loop. Reads are left out (every build opens the
//! sources, and must not cause another build), and so are editors' hidden
//! swap and backup files.

use std::path::Path;
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache, new_debouncer,
};

/// Quiet time after the last event before a build starts; an editor's save
/// (write, rename, chmod) is over well within it.
const DEBOUNCE: Duration = Duration::from_millis(40);

/// What the build loop is told.
#[derive(Debug, PartialEq, Eq)]
pub enum Signal {
    Changed,
    Stop,
}

/// Watches `book` (and its subfolders) until the returned guard is dropped.
pub fn watch(
    book: &Path,
    tx: Sender<Signal>,
) -> Result<Debouncer<RecommendedWatcher, RecommendedCache>, String> {
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let relevant = match result {
            Ok(events) => events.iter().any(changes_the_book),
            // An error may mean lost events: build to be safe.
            Err(_) => true,
        };
        if relevant {
            let _ = tx.send(Signal::Changed);
        }
    })
    .map_err(|e| e.to_string())?;
    debouncer
        .watch(book, RecursiveMode::Recursive)
        .map_err(|e| e.to_string())?;
    Ok(debouncer)
}

fn changes_the_book(event: &DebouncedEvent) -> bool {
    !matches!(event.kind, EventKind::Access(_)) && event.paths.iter().any(|p| counts(p))
}

/// Whether a change to `path` can change the book.
fn counts(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    let scratch = name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913";
    !scratch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_scratch_files_do_not_count() {
        assert!(counts(Path::new("book/01.md")));
        assert!(counts(Path::new("book/images/a.png")));
        assert!(!counts(Path::new("book/.01.md.swp")));
        assert!(!counts(Path::new("book/01.md~")));
        assert!(!counts(Path::new("book/4913")));
    }
}
