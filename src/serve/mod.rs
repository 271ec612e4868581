//! `bindery serve`: a live preview. The book is built into a private
//! temporary folder (never into the book folder), served from memory on
//! loopback, rebuilt on every save, and open pages reload themselves.

mod edition;
mod events;
mod http;
mod page;
mod path;
mod state;
mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use clap::Args;

use crate::diag::{Diagnostic, Failure, Severity};

use state::{Built, Shared};
use watch::Signal;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The book folder (holding book.toml).
    #[arg(long, default_value = "book")]
    pub book: PathBuf,
    /// The port to listen on; 0 picks a free one.
    #[arg(long, short, default_value_t = 3000)]
    pub port: u16,
    /// The address to listen on. The default, 127.0.0.1, lets only this
    /// machine see the preview; another address (e.g. 0.0.0.0) shows it,
    /// without any password, to every machine that can reach this one.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
}

/// Runs the preview until Ctrl-C (or SIGTERM); returns the exit code.
pub fn run(args: &ServeArgs, quiet: bool) -> Result<i32, Failure> {
    let say = |msg: &str| {
        if !quiet {
            eprintln!("{msg}");
        }
    };
    if !args.book.is_dir() {
        return Err(Diagnostic::error_file(
            &args.book,
            "not a folder: give the book folder with --book",
        )
        .into());
    }
    let out = tempfile::Builder::new()
        .prefix("bindery-serve-")
        .tempdir()
        .map_err(|e| Diagnostic::error(format!("cannot make a temporary folder: {e}")))?;
    let addr = SocketAddr::new(args.bind, args.port);
    let server = http::listen(addr).map_err(|e| {
        Diagnostic::error(format!(
            "cannot listen on {addr}: {e} (choose another with --port)"
        ))
    })?;
    let server = Arc::new(server);
    let shared = Arc::new(Shared::default());

    let (tx, rx) = channel();
    let stop_tx = tx.clone();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(Signal::Stop);
    })
    .map_err(|e| Diagnostic::error(format!("cannot catch Ctrl-C: {e}")))?;
    let watcher = watch::watch(&args.book, tx)
        .map_err(|e| Diagnostic::error_file(&args.book, format!("cannot watch the folder: {e}")))?;

    if epub_step(&args.book, out.path(), &shared, &say) {
        pdf_step(&args.book, out.path(), &shared, &say);
    }
    let workers = http::start(&server, &shared);
    let shown = server
        .server_addr()
        .to_ip()
        .map_or_else(|| addr.to_string(), |a| a.to_string());
    // The address goes to stdout, alone on its line, for scripts to read.
    println!("http://{shown}/");
    say(&format!(
        "Serving a preview of {} (Ctrl-C to stop)",
        args.book.display()
    ));

    build_loop(&rx, &args.book, out.path(), &shared, &say);

    shared.stop();
    http::stop(&server, workers);
    drop(watcher);
    let folder = out.path().to_path_buf();
    if let Err(e) = out.close() {
        eprintln!(
            "{}: warning: the preview's build folder was not removed: {e}",
            folder.display()
        );
    }
    say("Stopped.");
    Ok(0)
}

/// Builds after every change until told to stop: the EPUB first, then
/// the PDF unless a newer change already waits (it would be out of date).
fn build_loop(rx: &Receiver<Signal>, book: &Path, out: &Path, shared: &Shared, say: &dyn Fn(&str)) {
    while let Ok(Signal::Changed) = rx.recv() {
        let mut pending = Pending::Changed;
        while pending == Pending::Changed {
            if drain(rx) == Pending::Stop {
                return;
            }
            if !epub_step(book, out, shared, say) {
                break;
            }
            pending = drain(rx);
            match pending {
                Pending::Stop => return,
                Pending::Changed => continue,
                Pending::Nothing => pdf_step(book, out, shared, say),
            }
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Pending {
    Nothing,
    Changed,
    Stop,
}

/// Takes every signal that is waiting, without blocking.
fn drain(rx: &Receiver<Signal>) -> Pending {
    let mut pending = Pending::Nothing;
    while let Ok(signal) = rx.try_recv() {
        match signal {
            Signal::Changed => pending = Pending::Changed,
            Signal::Stop => return Pending::Stop,
        }
    }
    pending
}

/// Builds and publishes the EPUB; `false` when the build failed.
fn epub_step(book: &Path, out: &Path, shared: &Shared, say: &dyn Fn(&str)) -> bool {
    match edition::build_epub(book, out) {
        Ok(preview) => {
            say(&format!("EPUB built in {} ms", preview.took.as_millis()));
            shared.publish(Built::Epub(preview));
            true
        }
        Err(failure) => {
            failed(failure, shared, say);
            false
        }
    }
}

fn pdf_step(book: &Path, out: &Path, shared: &Shared, say: &dyn Fn(&str)) {
    match edition::build_pdf(book, out) {
        Ok(pdf) => {
            say(&format!("PDF built in {} ms", pdf.took.as_millis()));
            shared.publish(Built::Pdf(pdf));
        }
        Err(failure) => failed(failure, shared, say),
    }
}

fn failed(Failure(diags): Failure, shared: &Shared, say: &dyn Fn(&str)) {
    for d in &diags {
        eprintln!("{d}");
    }
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    say(&format!(
        "the build failed with {errors} error(s); the page shows them"
    ));
    shared.publish(Built::Failed(diags));
}
