//! `/events`: a server-sent event stream that describes the current build
//! at once and again after every build, so a page reloads when it is out of
//! date (even if a build finished while it was loading).
//!
//! tiny_http buffers chunked bodies in 8 KB pieces, which would hold events
//! back, so the stream writes its own response on the raw connection and
//! flushes after each event.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use tiny_http::Request;

use super::page::event_data;
use super::state::{Shared, Wake};

/// A comment line now and then finds closed connections, ending their threads.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

const HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\
Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n\
retry: 300\n\n";

/// Answers `request` with the event stream on a thread of its own.
pub fn stream(request: Request, shared: Arc<Shared>) {
    std::thread::spawn(move || {
        let mut out = request.into_writer();
        let _ = run(&mut out, &shared);
    });
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
