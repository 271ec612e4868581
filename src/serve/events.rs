//! `/events`: a server-sent event stream that describes the current build
//! at once and again after every build, so a page reloads when it is out of
//! date (even if a build finished while it was loading).
//!
//! tiny_http buffers chunked bodies in 8 KB pieces, which would hold events
//! back, so the stream writes its own response on the raw connection and
//! flushes after each event.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tiny_http::Request;

use super::page::event_data;
use super::state::{Shared, Wake};

/// A comment line now and then finds closed connections, ending their threads.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

const HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\
Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n\
retry: 300\n\n";

/// Most streams open at once: each holds a thread.
const MAX_STREAMS: usize = 64;
static OPEN: AtomicUsize = AtomicUsize::new(0);

/// One open stream, counted until dropped.
struct Slot;

impl Slot {
    fn take() -> Option<Slot> {
        OPEN.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < MAX_STREAMS).then_some(n + 1)
        })
        .ok()
        .map(|_| Slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        OPEN.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answers `request` with the event stream on a thread of its own; gives
/// the request back when too many streams are open already.
pub fn stream(request: Request, shared: Arc<Shared>) -> Result<(), Box<Request>> {
    let Some(slot) = Slot::take() else {
        return Err(Box::new(request));
    };
    std::thread::spawn(move || {
        let _slot = slot;
        let mut out = request.into_writer();
        let _ = run(&mut out, &shared);
    });
    Ok(())
}

fn run(out: &mut dyn Write, shared: &Shared) -> std::io::Result<()> {
    let snap = shared.snapshot();
    let mut seen = snap.generation;
    out.write_all(HEAD.as_bytes())?;
    send(out, &event_data(&snap))?;
    loop {
        match shared.wait(seen, KEEP_ALIVE) {
            Wake::Changed(_) => {
                let snap = shared.snapshot();
                seen = snap.generation;
                send(out, &event_data(&snap))?;
            }
            Wake::Timeout => {
                out.write_all(b": keep-alive\n\n")?;
                out.flush()?;
            }
            Wake::Stopping => return Ok(()),
        }
    }
}

fn send(out: &mut dyn Write, data: &str) -> std::io::Result<()> {
    write!(out, "data: {data}\n\n")?;
    out.flush()
}
