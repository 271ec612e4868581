//! The command line: `bindery import`, `bindery build`, `bindery check`.
//! Exit codes: 0 success, 1 the input or output is wrong, 2 usage error.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::diag::{Failure, Severity};

#[derive(Debug, Parser)]
#[command(
    name = "bindery",
    version,
    about = "Turns Chinese articles into an EPUB 3 and an A4 PDF book, and checks the results",
    long_about = None,
    after_help = "Exit codes: 0 success, 1 the input or output is wrong, 2 usage error."
)]
pub struct Cli {
    /// Print nothing but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print what each step does.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Turn a raw newspaper page (plain text from print) into a book source folder.
    Import(ImportArgs),
    /// Build the book's editions: out/<slug>.epub and out/<slug>.pdf.
    Build(BuildArgs),
    /// Check EPUB and PDF files (any maker) for distribution and print; exit 1 on errors.
    Check(crate::check::cli::CheckArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The book folder (holding book.toml).
    #[arg(long, default_value = "book")]
    pub book: PathBuf,
    /// Where to write the editions.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Build the EPUB edition (alone, unless --pdf is given too).
    #[arg(long)]
    pub epub: bool,
    /// Build the PDF edition (alone, unless --epub is given too).
    #[arg(long)]
    pub pdf: bool,
    /// Check the written files as `bindery check` does (paper size from
    /// book.toml); exit 1 when the check finds an error.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The page: UTF-8 (with or without BOM) or GB18030/GBK text.
    pub page: PathBuf,
    /// Folder to write book.toml and the chapter files into.
    #[arg(long, default_value = "book")]
    pub into: PathBuf,
    /// Replace an existing book.toml in the folder.
    #[arg(long)]
    pub force: bool,
}

/// How much to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Where messages go: errors and warnings to stderr, progress only when
/// stderr is a terminal and not in CI.
pub struct Reporter {
    pub verbosity: Verbosity,
    pub interactive: bool,
}

impl Reporter {
    pub fn info(&self, msg: impl AsRef<str>) {
        if self.verbosity != Verbosity::Quiet {
            eprintln!("{}", msg.as_ref());
        }
    }

    pub fn detail(&self, msg: impl AsRef<str>) {
        if self.verbosity == Verbosity::Verbose {
            eprintln!("{}", msg.as_ref());
        }
    }

    pub fn progress(&self, msg: impl AsRef<str>) {
        if self.interactive && self.verbosity != Verbosity::Quiet {
            eprintln!("{}", msg.as_ref());
        }
    }

    pub fn diagnostics(&self, failure: &Failure) {
        for d in &failure.0 {
            if d.severity == Severity::Error || self.verbosity != Verbosity::Quiet {
                eprintln!("{d}");
            }
        }
    }
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let verbosity = if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    let reporter = Reporter {
        verbosity,
        interactive: std::io::stderr().is_terminal() && std::env::var_os("CI").is_none(),
    };
    let result = match cli.command {
        Command::Import(args) => run_import(&args, &reporter),
        Command::Build(args) => run_build(&args, &reporter),
        Command::Check(args) => Ok(crate::check::cli::run(&args)),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            reporter.diagnostics(&failure);
            1
        }
    }
}

fn run_import(args: &ImportArgs, reporter: &Reporter) -> Result<i32, Failure> {
    let report = crate::import::import(&args.page, &args.into, args.force)?;
    reporter.diagnostics(&Failure(report.warnings.clone()));
    let page = &report.page;
    let notes = page.articles.iter().filter(|a| a.note.is_some()).count();
    let paragraphs: Vec<String> = page
        .articles
        .iter()
        .map(|a| a.paragraphs.len().to_string())
        .collect();
    reporter.info(format!(
        "imported {} ({}): {} articles with {} paragraphs, {} author notes, {} repaired breaks -> {}",
        args.page.display(),
        report.encoding.name(),
        page.articles.len(),
        paragraphs.join(", "),
        notes,
        page.repaired_breaks,
        args.into.display()
    ));
    for path in &report.written {
        reporter.detail(format!("wrote {}", path.display()));
    }
    Ok(0)
}

fn run_build(args: &BuildArgs, reporter: &Reporter) -> Result<i32, Failure> {
    let both = !args.epub && !args.pdf;
    let opts = crate::pipeline::BuildOptions {
        book: args.book.clone(),
        out: args.out.clone(),
        epub: both || args.epub,
        pdf: both || args.pdf,
    };
    let report = crate::pipeline::build(&opts, &|step| reporter.progress(step))?;
    for w in &report.written {
        reporter.info(format!(
            "wrote {} ({} KB in {} ms)",
            w.path.display(),
            w.bytes.div_ceil(1024),
            w.took.as_millis()
        ));
    }
    if !args.check {
        return Ok(0);
    }
    let paths: Vec<PathBuf> = report.written.iter().map(|w| w.path.clone()).collect();
    // The book's settings choose the profiles (a book without embedded
    // fonts is not judged by the distribution rules).
    let embed_fonts = std::fs::read_to_string(args.book.join(crate::load::BOOK_TOML))
        .ok()
        .and_then(|t| crate::config::parse(&t, &args.book).ok())
        .is_none_or(|b| b.epub.embed_fonts);
    let opts = crate::check::profiles_for_build(embed_fonts, &report.paper);
    let checked = crate::check::check_files(&paths, &opts);
    let text = crate::check::report::human(&checked, false);
    if checked.exit_code(false) != 0 || reporter.verbosity != Verbosity::Quiet {
        eprint!("{text}");
    }
    Ok(checked.exit_code(false))
}
