//! The preview's own page: the book's contents beside a view of one
//! chapter (the EPUB's XHTML with its style sheet and fonts) or of the PDF,
//! and, when the current build failed, its problems in place of the book.

use std::fmt::Write;
use std::hash::{Hash, Hasher};

use crate::diag::{Diagnostic, Severity};
use crate::editions::epub::xhtml::escape;

use super::edition::Preview;
use super::state::Snapshot;

pub const SCRIPT: &str = include_str!("preview.js");
pub const STYLE: &str = include_str!("preview.css");

/// The page for `/` (`last_good`: show the last good build even when the
/// current one failed).
pub fn render(snap: &Snapshot, last_good: bool) -> String {
    let failure = snap.failure.as_deref().filter(|_| !last_good);
    let body = match (failure, &snap.good) {
        (Some(diags), good) => problems(diags, good.is_some()),
        (None, Some(good)) => book(good, &status(snap)),
        (None, None) => "<main class=\"message\"><p>Building…</p></main>\n".to_string(),
    };
    let (title, lang) = match &snap.good {
        Some(g) => (g.title.as_str(), g.language.as_str()),
        None => ("", "zh-CN"),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Preview: {title}</title>\n<link rel=\"stylesheet\" href=\"/preview.css\">\n\
         </head>\n<body data-generation=\"{generation}\" data-frame=\"{frame}\" \
         data-epub=\"{epub}\" data-pdf=\"{pdf}\">\n{body}\
         <script src=\"/preview.js\"></script>\n</body>\n</html>\n",
        lang = escape(lang),
        title = escape(title),
        generation = snap.generation,
        epub = snap.epub_at,
        pdf = snap.pdf_at,
        frame = if last_good {
            "last-good".into()
        } else {
            frame_key(snap)
        },
    )
}

/// The event a page gets after a build step (JSON): the generation, the
/// key of the frame around the book, when each edition last changed, and
/// the build times. A page whose frame key is unchanged reloads only the
/// document it shows, and only when its edition changed: that is quicker.
pub fn event_data(snap: &Snapshot) -> String {
    format!(
        "{{\"generation\":{},\"frame\":\"{}\",\"epub\":{},\"pdf\":{},\"status\":\"{}\"}}",
        snap.generation,
        frame_key(snap),
        snap.epub_at,
        snap.pdf_at,
        status(snap)
    )
}

/// The build times, for the page's header.
fn status(snap: &Snapshot) -> String {
    let ms = |d: std::time::Duration| d.as_millis();
    match (&snap.good, &snap.pdf) {
        (Some(e), Some(p)) => format!("EPUB {} ms, PDF {} ms", ms(e.took), ms(p.took)),
        (Some(e), None) => format!("EPUB {} ms, PDF building", ms(e.took)),
        _ => String::new(),
    }
}

/// Equal for two builds exactly when the page around the book is the same:
/// the same title and contents, and no failure (a failure page is always
/// reloaded whole).
fn frame_key(snap: &Snapshot) -> String {
    match (&snap.failure, &snap.good) {
        (Some(_), _) => format!("failed-{}", snap.generation),
        (None, None) => "none".into(),
        (None, Some(good)) => {
            let mut h = std::hash::DefaultHasher::new();
            (&good.title, &good.contents).hash(&mut h);
            format!("{:016x}", h.finish())
        }
    }
}

fn book(good: &Preview, status: &str) -> String {
    let first = good
        .contents
        .iter()
        .map(|(name, _)| name.as_str())
        .find(|n| n.ends_with(".xhtml"))
        .unwrap_or("");
    let mut toc = String::new();
    for (name, title) in &good.contents {
        let _ = writeln!(
            toc,
            "<li><a href=\"#epub/{href}\">{title}</a></li>",
            href = escape(name),
            title = escape(title)
        );
    }
    format!(
        "<header><strong class=\"title\">{title}</strong>\n\
         <nav class=\"switch\" aria-label=\"Edition\"><a id=\"show-epub\" href=\"#epub\">EPUB</a> \
         <a id=\"show-pdf\" href=\"#pdf\">PDF</a></nav>\n\
         <span class=\"status\" id=\"status\">{status}</span></header>\n\
         <div class=\"book\">\n<nav class=\"contents\" aria-label=\"Contents\"><ol>\n{toc}</ol></nav>\n\
         <iframe id=\"view\" title=\"Book\" data-first=\"{first}\"></iframe>\n</div>\n",
        title = escape(&good.title),
        status = escape(status),
        first = escape(first),
    )
}

fn problems(diags: &[Diagnostic], has_good: bool) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    let mut list = String::new();
    for d in diags {
        let class = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(
            list,
            "<li class=\"{class}\"><code>{}</code></li>",
            escape(&d.to_string())
        );
    }
    let last = if has_good {
        "<a href=\"/?last-good\">Show the last good build</a>"
    } else {
        ""
    };
    format!(
        "<header><strong>The build failed: {errors} {e}, {warnings} {w}</strong> {last}</header>\n\
         <main class=\"problems\"><ul>\n{list}</ul>\n\
         <p>Fix the sources and save: the page reloads by itself.</p></main>\n",
        e = if errors == 1 { "error" } else { "errors" },
        w = if warnings == 1 { "warning" } else { "warnings" },
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn a_failed_build_shows_its_problems_with_positions() {
        let d = Diagnostic::error_at(std::path::Path::new("b/02.md"), 3, 7, "bad <tag>");
        let snap = Snapshot {
            failure: Some(Arc::new(vec![d])),
            generation: 4,
            ..Snapshot::default()
        };
        let page = render(&snap, false);
        assert!(
            page.contains("b/02.md:3:7: error: bad &lt;tag&gt;"),
            "{page}"
        );
        assert!(page.contains("data-generation=\"4\""));
        assert!(!page.contains("last-good"), "no good build to go back to");
    }
}
