//! The HTTP side: a few threads take requests from tiny_http and answer
//! them from memory. Only the preview's own files exist here: the page,
//! its script and style, the event stream, the EPUB's entries and the PDF.

use std::hash::{Hash, Hasher};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::thread::JoinHandle;

use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use super::edition::media_type;
use super::path::{self, Target};
use super::state::Shared;
use super::{events, page};

const WORKERS: usize = 4;

/// Listens on `addr` (port 0 picks a free port).
pub fn listen(addr: SocketAddr) -> Result<Server, String> {
    Server::http(addr).map_err(|e| e.to_string())
}

/// Starts the request threads; they end when the server is unblocked
/// after [`Shared::stop`].
pub fn start(server: &Arc<Server>, shared: &Arc<Shared>) -> Vec<JoinHandle<()>> {
    (0..WORKERS)
        .map(|_| {
            let server = Arc::clone(server);
            let shared = Arc::clone(shared);
            std::thread::spawn(move || {
                loop {
                    match server.recv() {
                        Ok(request) => handle(request, &shared, loopback_only(&server)),
                        Err(_) if shared.is_stopping() => return,
                        // A failed accept (too many open files, ...) must
                        // not end the thread; wait a little and go on.
                        Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
                    }
                }
            })
        })
        .collect()
}

/// Ends every request thread started by [`start`].
pub fn stop(server: &Server, workers: Vec<JoinHandle<()>>) {
    for _ in &workers {
        server.unblock();
    }
    for w in workers {
        let _ = w.join();
    }
}

fn loopback_only(server: &Server) -> bool {
    server
        .server_addr()
        .to_ip()
        .is_some_and(|a| a.ip().is_loopback())
}

fn handle(request: Request, shared: &Arc<Shared>, loopback: bool) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(text(405, "only GET and HEAD"));
        return;
    }
    // A page elsewhere must not reach the preview by pointing its own
    // host name at 127.0.0.1 (DNS rebinding).
    if loopback && !host_is_loopback(&request) {
        let _ = request.respond(text(403, "the preview answers to loopback host names only"));
        return;
    }
    let Some(target) = path::parse(request.url()) else {
        let _ = request.respond(not_found());
        return;
    };
    if target.segments == ["events"] {
        if let Err(request) = events::stream(request, Arc::clone(shared)) {
            let _ = (*request).respond(text(503, "too many open previews"));
        }
        return;
    }
    let etag = header_value(&request, "If-None-Match");
    let _ = request.respond(answer(&target, shared, etag.as_deref()));
}

fn answer(
    target: &Target,
    shared: &Shared,
    if_none_match: Option<&str>,
) -> Response<std::io::Cursor<Vec<u8>>> {
    let snap = shared.snapshot();
    let segs: Vec<&str> = target.segments.iter().map(String::as_str).collect();
    match segs.as_slice() {
        [] => {
            let last_good = target.query.as_deref() == Some("last-good");
            body(
                page::render(&snap, last_good).into_bytes(),
                "text/html; charset=utf-8",
            )
        }
        ["preview.js"] => body(page::SCRIPT.into(), "text/javascript; charset=utf-8"),
        ["preview.css"] => body(page::STYLE.into(), "text/css; charset=utf-8"),
        ["book.pdf"] => match &snap.pdf {
            Some(pdf) => book_file(&pdf.bytes, "application/pdf", if_none_match),
            None => not_found(),
        },
        ["epub", ..] => {
            let name = target.segments[1..].join("/");
            match snap.good.as_ref().and_then(|g| g.entries.get(&name)) {
                Some(bytes) => book_file(bytes, media_type(&name), if_none_match),
                None => not_found(),
            }
        }
        _ => not_found(),
    }
}

fn header_value(request: &Request, name: &'static str) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str().to_string())
}

fn host_is_loopback(request: &Request) -> bool {
    let Some(host) = header_value(request, "Host").map(|h| h.to_ascii_lowercase()) else {
        return true;
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host.as_str(), |(n, _)| n),
    };
    name == "localhost" || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

fn body(bytes: Vec<u8>, content_type: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    // The page changes with every build: never cache.
    // The size is known, so it is sent as such (never chunked).
    Response::from_data(bytes)
        .with_chunked_threshold(usize::MAX)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

/// A file of the book: the browser may keep it but asks each time
/// (`no-cache` with an ETag), so the fonts and images a build did not
/// change are answered with 304 and not fetched and decoded again.
fn book_file(
    bytes: &[u8],
    content_type: &str,
    if_none_match: Option<&str>,
) -> Response<std::io::Cursor<Vec<u8>>> {
    let mut h = std::hash::DefaultHasher::new();
    bytes.hash(&mut h);
    let etag = format!("\"{:016x}-{}\"", h.finish(), bytes.len());
    let unchanged = if_none_match.is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let response = if unchanged {
        Response::from_data(Vec::new()).with_status_code(StatusCode(304))
    } else {
        Response::from_data(bytes.to_vec())
            .with_chunked_threshold(usize::MAX)
            .with_header(header("Content-Type", content_type))
    };
    response
        .with_header(header("ETag", &etag))
        .with_header(header("Cache-Control", "no-cache"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

fn text(status: u16, msg: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    body(msg.as_bytes().to_vec(), "text/plain; charset=utf-8").with_status_code(StatusCode(status))
}

fn not_found() -> Response<std::io::Cursor<Vec<u8>>> {
    text(404, "not found")
}
