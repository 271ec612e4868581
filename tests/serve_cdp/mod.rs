//! Headless Chromium driven over the DevTools protocol (a WebSocket on
//! loopback), and `bindery serve` run as a child process: what the preview
//! tests and the save-to-reload benchmark share. A missing Chromium or a
//! server that does not start is a failure, never a skip.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::WebSocket;

/// `bindery serve --port 0` on a book, with its address read from stdout.
pub struct Serve {
    pub child: Child,
    pub base: String,
    stdout: BufReader<ChildStdout>,
}

impl Serve {
    /// Starts the server; `tmp` becomes its TMPDIR (where its private
    /// build folder goes).
    pub fn start(bin: &Path, book: &Path, tmp: &Path) -> Serve {
        let mut child = Command::new(bin)
            .args(["serve", "--port", "0", "--book"])
            .arg(book)
            .env("TMPDIR", tmp)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("bindery serve starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).expect("read the address");
        let base = line.trim().trim_end_matches('/').to_string();
        assert!(
            base.starts_with("http://127.0.0.1:"),
            "serve printed {line:?} instead of its address"
        );
        Serve {
            child,
            base,
            stdout,
        }
    }

    pub fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// Sends `target` exactly as written (no client-side normalising of
    /// `..`) and returns the status code and body.
    pub fn raw_get(&self, target: &str) -> (u16, Vec<u8>) {
        self.raw_get_host(target, self.addr())
    }

    /// [`Serve::raw_get`] with the `Host` header given.
    pub fn raw_get_host(&self, target: &str, host: &str) -> (u16, Vec<u8>) {
        let mut s = TcpStream::connect(self.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).unwrap();
        let head_end = buf
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete response head");
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        (status, buf[head_end + 4..].to_vec())
    }

    /// Sends SIGINT (as Ctrl-C does) and waits for the exit status.
    pub fn interrupt(mut self, within: Duration) -> std::process::ExitStatus {
        let ok = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success(), "kill -INT");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Anything printed after the address, read to the end.
                let mut rest = String::new();
                let _ = self.stdout.read_to_string(&mut rest);
                return status;
            }
            assert!(
                start.elapsed() < within,
                "serve did not stop within {within:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium with one page, attached over the DevTools protocol.
pub struct Browser {
    child: Child,
    ws: WebSocket<TcpStream>,
    session: String,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub fn launch() -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let exe = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into());
        let mut child = Command::new(&exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1200,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("{exe} does not run ({e}); tests/setup installs it, CHROMIUM names another")
            });
        let url = devtools_url(&mut child);
        let host = url
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let stream = TcpStream::connect(&host).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let (ws, _) = tungstenite::client(url.as_str(), stream).expect("DevTools WebSocket");
        let mut b = Browser {
            child,
            ws,
            session: String::new(),
            next_id: 0,
            _profile: profile,
        };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].as_str().unwrap().to_string();
        let attached = b.call(
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        );
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        b.call("Page.enable", json!({}));
        b.call("Runtime.enable", json!({}));
        b
    }

    /// Sends a command (to the page once attached) and returns its result.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.try_call(method, params)
            .unwrap_or_else(|v| panic!("{method} failed: {v}"))
    }

    /// Sends a command; `Err` with the reply when the protocol reports an
    /// error (as when the page navigates while an expression runs).
    pub fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        self.ws
            .send(tungstenite::Message::text(msg.to_string()))
            .unwrap();
        loop {
            let frame = self.ws.read().expect("a DevTools message");
            let Ok(text) = frame.to_text() else { continue };
            let v: Value = serde_json::from_str(text).unwrap();
            if v["id"].as_u64() == Some(id) {
                return match v.get("error") {
                    Some(_) => Err(v),
                    None => Ok(v["result"].clone()),
                };
            }
        }
    }

    /// Evaluates `expr` in the page and returns its value.
    pub fn eval(&mut self, expr: &str) -> Value {
        self.try_eval(expr)
            .unwrap_or_else(|e| panic!("{expr} threw: {e}"))
    }

    /// Evaluates `expr`; `Err` with the exception when it throws.
    pub fn try_eval(&mut self, expr: &str) -> Result<Value, Value> {
        let r = self.try_call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        )?;
        match r.get("exceptionDetails") {
            Some(e) => Err(e.clone()),
            None => Ok(r["result"]["value"].clone()),
        }
    }

    pub fn navigate(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
    }

    /// Polls `expr` until it is `true` (a throw, as while a page is being
    /// replaced, counts as not yet); returns how long that took, or panics
    /// after `timeout` with `what`.
    pub fn wait_for(&mut self, expr: &str, timeout: Duration, what: &str) -> Duration {
        let start = Instant::now();
        loop {
            if self.try_eval(expr) == Ok(json!(true)) {
                return start.elapsed();
            }
            assert!(
                start.elapsed() < timeout,
                "{what}: not within {timeout:?}; the page says:\n{}",
                self.try_eval("document.body ? document.body.innerText : ''")
                    .unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads Chromium's stderr until it names its DevTools WebSocket.
fn devtools_url(child: &mut Child) -> String {
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap_or_default();
        if let Some(i) = line.find("ws://") {
            let url = line[i..].trim().to_string();
            // Keep draining stderr so Chromium never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return url;
        }
        seen.push_str(&line);
        seen.push('\n');
    }
    panic!("chromium exited without a DevTools address:\n{seen}");
}

/// JavaScript: the text of the chapter shown in the preview's frame.
pub const VIEW_TEXT: &str = "(() => { const f = document.getElementById('view'); \
     const d = f && f.contentDocument; return d && d.body ? d.body.innerText : ''; })()";

/// JavaScript: the frame's web fonts have loaded (a face is only used for
/// drawing once its file is in, and the frame starts drawing before that).
pub const VIEW_FONTS_LOADED: &str = "(() => { const f = document.getElementById('view'); \
     const d = f && f.contentDocument; if (!d || !d.fonts || d.fonts.status !== 'loaded') return false; \
     return [...d.fonts].some(x => x.status === 'loaded'); })()";

/// JavaScript: marks the document in the preview's frame; a reload (of the
/// frame or of the whole page) removes the mark.
pub const MARK_VIEW: &str = "document.getElementById('view').contentWindow.beforeSave = true";

/// JavaScript: the mark is gone, i.e. the frame's document was reloaded.
pub const VIEW_RELOADED: &str = "(() => { const f = document.getElementById('view'); \
     return !!f && !f.contentWindow.beforeSave; })()";
