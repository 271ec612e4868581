//! Report formats: human (one line per finding), JSON (schema
//! `bindery-check/1`, documented in the README) and JUnit XML.

use serde::Serialize;

use super::{FileReport, Finding, Location, RULES, Report, Severity};

fn sev(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `error pdf.page.size out/book.pdf: page 3: message`, then one summary
/// line per file and a total line.
pub fn human(r: &Report, deny_warnings: bool) -> String {
    let mut out = String::new();
    for f in &r.files {
        for x in &f.findings {
            let loc = x.location.to_string();
            out.push_str(&format!(
                "{} {} {}{}: {}\n",
                sev(x.severity),
                x.rule,
                f.path.display(),
                if loc.is_empty() {
                    String::new()
                } else {
                    format!(": {loc}")
                },
                x.message
            ));
        }
    }
    out.push_str(&summary(r, deny_warnings));
    out
}

/// One line per file (type, bytes, pages, counts), then the verdict.
pub fn summary(r: &Report, deny_warnings: bool) -> String {
    let mut out = String::new();
    for f in &r.files {
        out.push_str(&format!(
            "{}: {}, {} bytes{}: {} error{}, {} warning{}\n",
            f.path.display(),
            f.kind.as_str().to_uppercase(),
            f.size_bytes,
            f.pages.map(|p| format!(", {p} pages")).unwrap_or_default(),
            f.errors(),
            plural(f.errors()),
            f.warnings(),
            plural(f.warnings())
        ));
    }
    out.push_str(&format!(
        "{}: {} file{}, {} error{}, {} warning{}\n",
        if r.passed(deny_warnings) {
            "PASS"
        } else {
            "FAIL"
        },
        r.files.len(),
        plural(r.files.len()),
        r.errors(),
        plural(r.errors()),
        r.warnings(),
        plural(r.warnings())
    ));
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

// The JSON report is written from structs, whose fields serde keeps in
// declaration order: the documented key order, `schema` first.

#[derive(Serialize)]
struct JsonReport<'a> {
    schema: &'static str,
    passed: bool,
    errors: usize,
    warnings: usize,
    profiles: Vec<&'static str>,
    files: Vec<JsonFile<'a>>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: String,
    #[serde(rename = "type")]
    kind: &'static str,
    size_bytes: u64,
    pages: Option<usize>,
    errors: usize,
    warnings: usize,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'static str,
    location: JsonLocation<'a>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    entry: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
    page: Option<u32>,
    object: Option<&'a str>,
}

fn location_json(l: &Location) -> JsonLocation<'_> {
    JsonLocation {
        entry: l.entry.as_deref(),
        line: l.line,
        column: l.column,
        page: l.page,
        object: l.object.as_deref(),
    }
}

fn file_json(f: &FileReport) -> JsonFile<'_> {
    JsonFile {
        path: f.path.display().to_string(),
        kind: f.kind.as_str(),
        size_bytes: f.size_bytes,
        pages: f.pages,
        errors: f.errors(),
        warnings: f.warnings(),
        findings: f
            .findings
            .iter()
            .map(|x: &Finding| JsonFinding {
                rule: &x.rule,
                severity: sev(x.severity),
                location: location_json(&x.location),
                message: &x.message,
            })
            .collect(),
    }
}

/// The JSON report, pretty-printed, keys in the documented order.
pub fn json(r: &Report, deny_warnings: bool) -> String {
    let v = JsonReport {
        schema: "bindery-check/1",
        passed: r.passed(deny_warnings),
        errors: r.errors(),
        warnings: r.warnings(),
        profiles: r.profiles.names(),
        files: r.files.iter().map(file_json).collect(),
    };
    let mut s = serde_json::to_string_pretty(&v).expect("the report always serialises");
    s.push('\n');
    s
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

/// JUnit XML: one test suite per file, one test case per rule that applies
/// to its type (failed when the rule has findings, with one `<failure>` or
/// `<error>` element per finding... collected into the case's text).
pub fn junit(r: &Report, deny_warnings: bool) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total_cases: usize = r.files.iter().map(|f| cases(f).len()).sum();
    let total_fail: usize = r
        .files
        .iter()
        .map(|f| {
            cases(f)
                .iter()
                .filter(|c| failing(&c.1, deny_warnings))
                .count()
        })
        .sum();
    out.push_str(&format!(
        "<testsuites name=\"bindery check\" tests=\"{total_cases}\" failures=\"{total_fail}\">\n"
    ));
    for f in &r.files {
        let cs = cases(f);
        let fails = cs.iter().filter(|c| failing(&c.1, deny_warnings)).count();
        let name = esc(&f.path.display().to_string());
        out.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{fails}\">\n",
            cs.len()
        ));
        out.push_str(&format!(
            "    <properties><property name=\"type\" value=\"{}\"/><property name=\"size_bytes\" value=\"{}\"/>{}</properties>\n",
            f.kind.as_str(),
            f.size_bytes,
            f.pages.map(|p| format!("<property name=\"pages\" value=\"{p}\"/>")).unwrap_or_default()
        ));
        for (rule, found) in &cs {
            out.push_str(&format!(
                "    <testcase classname=\"{name}\" name=\"{}\"",
                esc(rule)
            ));
            if found.is_empty() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            let body: Vec<String> = found
                .iter()
                .map(|x| {
                    let loc = x.location.to_string();
                    format!(
                        "{} {}{}",
                        sev(x.severity),
                        if loc.is_empty() {
                            String::new()
                        } else {
                            format!("{loc}: ")
                        },
                        x.message
                    )
                })
                .collect();
            let first = &found[0];
            if failing(found, deny_warnings) {
                out.push_str(&format!(
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                    sev(first.severity),
                    esc(&first.message),
                    esc(&body.join("\n"))
                ));
            } else {
                out.push_str(&format!(
                    "      <system-out>{}</system-out>\n",
                    esc(&body.join("\n"))
                ));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn failing(found: &[&Finding], deny_warnings: bool) -> bool {
    found
        .iter()
        .any(|x| x.severity == Severity::Error || deny_warnings)
}

/// (rule, its findings) for every rule of the file's type, then any other
/// rule that has findings (file.*, epubcheck.*), in a stable order.
fn cases(f: &FileReport) -> Vec<(String, Vec<&Finding>)> {
    let prefix = format!("{}.", f.kind.as_str());
    let mut out: Vec<(String, Vec<&Finding>)> = RULES
        .iter()
        .filter(|r| r.id.starts_with(&prefix))
        .map(|r| (r.id.to_string(), Vec::new()))
        .collect();
    for x in &f.findings {
        match out.iter_mut().find(|(id, _)| *id == x.rule) {
            Some((_, v)) => v.push(x),
            None => out.push((x.rule.clone(), vec![x])),
        }
    }
    out
}
