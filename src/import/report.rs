//! The import report: a summary line and every repaired break for people,
//! or one JSON document for programs (`--format json`).

use std::path::Path;

use serde_json::{Value, json};

use super::ImportReport;
use crate::diag::Diagnostic;

/// The one-line summary.
pub fn summary(r: &ImportReport, page: &Path, into: &Path) -> String {
    let p = &r.page;
    let notes = p.articles.iter().filter(|a| a.note.is_some()).count();
    let paragraphs: Vec<String> = p
        .articles
        .iter()
        .map(|a| a.paragraphs.len().to_string())
        .collect();
    format!(
        "imported {} ({}, {}): {} articles with {} paragraphs, {} author notes, {} repaired breaks -> {}",
        super::escape_controls(&page.display().to_string()),
        r.encoding.name(),
        r.script.language,
        p.articles.len(),
        paragraphs.join(", "),
        notes,
        p.repaired_breaks(),
        super::escape_controls(&into.display().to_string()),
    )
}

/// One line per repaired break, for the editor to review.
pub fn break_lines(r: &ImportReport, page: &Path) -> Vec<String> {
    let shown = super::escape_controls(&page.display().to_string());
    let mut out = Vec::new();
    for (k, a) in r.page.articles.iter().enumerate() {
        for j in &a.joins {
            out.push(format!(
                "{shown}:{}: repaired break: line {} continues on line {} \
                 (article {}, paragraph {}; {})",
                j.before_line,
                j.before_line,
                j.after_line,
                k + 1,
                j.paragraph + 1,
                j.rule.describe()
            ));
        }
    }
    out
}

fn diag_json(d: &Diagnostic) -> Value {
    json!({
        "rule": d.rule,
        "line": d.line(),
        "column": d.column(),
        "message": d.message,
    })
}

/// The whole report as JSON.
pub fn json(r: &ImportReport, page: &Path, into: &Path) -> Value {
    let articles: Vec<Value> = r
        .page
        .articles
        .iter()
        .enumerate()
        .map(|(k, a)| {
            json!({
                "file": super::write::chapter_file_name(k),
                "title": a.title,
                "title_lines": a.title_lines,
                "authors": a.authors,
                "role": a.role,
                "byline_line": a.byline_line,
                "note": a.note,
                "note_line": a.note_line,
                "paragraphs": a.paragraphs.iter().filter(|p| !p.heading).count(),
                "headings": a.paragraphs.iter().filter(|p| p.heading)
                    .map(|p| json!({"text": p.text, "line": p.lines[0]}))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let breaks: Vec<Value> = r
        .page
        .articles
        .iter()
        .enumerate()
        .flat_map(|(k, a)| {
            a.joins.iter().map(move |j| {
                json!({
                    "article": k + 1,
                    "paragraph": j.paragraph + 1,
                    "before_line": j.before_line,
                    "after_line": j.after_line,
                    "rule": j.rule.key(),
                })
            })
        })
        .collect();
    json!({
        "page": page.display().to_string(),
        "into": into.display().to_string(),
        "encoding": r.encoding.name(),
        "language": r.script.language,
        "script": {
            "traditional_only": r.script.traditional,
            "simplified_only": r.script.simplified,
            "mixed": r.script.mixed,
        },
        "header": r.page.header,
        "articles": articles,
        "repaired_breaks": breaks,
        "warnings": r.warnings.iter().map(diag_json).collect::<Vec<_>>(),
        "written": r.written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
    })
}
