//! What the server shows: the last good EPUB and PDF, the current build's
//! problems when it failed, and a generation number that every finished
//! build raises, which open pages watch to know when to reload.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::diag::Diagnostic;

use super::edition::{PdfFile, Preview};

/// One consistent view of the state, cheap to clone.
#[derive(Clone, Default)]
pub struct Snapshot {
    pub good: Option<Arc<Preview>>,
    pub pdf: Option<Arc<PdfFile>>,
    /// The current build's diagnostics when it failed (`None` after a good build).
    pub failure: Option<Arc<Vec<Diagnostic>>>,
    pub generation: u64,
    /// The generations at which the EPUB and the PDF last changed.
    pub epub_at: u64,
    pub pdf_at: u64,
}

/// What a build step produced.
pub enum Built {
    Epub(Preview),
    Pdf(PdfFile),
    Failed(Vec<Diagnostic>),
}

#[derive(Default)]
struct Inner {
    snap: Snapshot,
    stopping: bool,
}

#[derive(Default)]
pub struct Shared {
    inner: Mutex<Inner>,
    changed: Condvar,
}

/// What a waiting event stream learns.
#[derive(Debug, PartialEq, Eq)]
pub enum Wake {
    Changed(u64),
    Timeout,
    Stopping,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking request thread must not take the preview down.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn snapshot(&self) -> Snapshot {
        self.lock().snap.clone()
    }

    /// Records a finished build step and wakes every waiting page.
    pub fn publish(&self, built: Built) {
        let mut inner = self.lock();
        let snap = &mut inner.snap;
        snap.generation += 1;
        match built {
            Built::Epub(preview) => {
                snap.good = Some(Arc::new(preview));
                snap.epub_at = snap.generation;
                snap.failure = None;
            }
            Built::Pdf(pdf) => {
                snap.pdf = Some(Arc::new(pdf));
                snap.pdf_at = snap.generation;
            }
            Built::Failed(diags) => snap.failure = Some(Arc::new(diags)),
        }
        drop(inner);
        self.changed.notify_all();
    }

    /// Waits until the generation differs from `seen`, the server stops, or
    /// `timeout` passes.
    pub fn wait(&self, seen: u64, timeout: Duration) -> Wake {
        let guard = self.lock();
        let (inner, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |i| !i.stopping && i.snap.generation == seen)
            .unwrap_or_else(|e| e.into_inner());
        if inner.stopping {
            Wake::Stopping
        } else if inner.snap.generation != seen {
            Wake::Changed(inner.snap.generation)
        } else {
            Wake::Timeout
        }
    }

    pub fn is_stopping(&self) -> bool {
        self.lock().stopping
    }

    pub fn stop(&self) {
        self.lock().stopping = true;
        self.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiters_see_new_generations_and_the_stop() {
        let shared = Arc::new(Shared::default());
        assert_eq!(shared.wait(0, Duration::from_millis(1)), Wake::Timeout);
        let s = Arc::clone(&shared);
        let waiter = std::thread::spawn(move || s.wait(0, Duration::from_secs(30)));
        shared.publish(Built::Failed(vec![Diagnostic::error("x")]));
        assert_eq!(waiter.join().unwrap(), Wake::Changed(1));
        let snap = shared.snapshot();
        assert!(snap.good.is_none() && snap.failure.is_some());
        shared.stop();
        assert_eq!(shared.wait(1, Duration::from_secs(30)), Wake::Stopping);
    }
}
