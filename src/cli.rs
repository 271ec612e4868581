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
    /// Start a new book folder: a commented book.toml and two example chapters.
    Init(crate::init::InitArgs),
    /// Preview the book in a browser, rebuilt on every save (127.0.0.1 only, unless --bind).
    Serve(crate::serve::ServeArgs),
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
    /// What to do with a character no font has: fail (error, the default)
    /// or set 〓 in its place with a warning (placeholder, for proofs).
    /// Overrides `[fonts] missing`.
    #[arg(long, value_name = "error|placeholder")]
    pub missing: Option<crate::source::config::Missing>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The page: UTF-8 (with or without BOM), GB18030/GBK or Big5 text.
    pub page: PathBuf,
    /// Folder to write book.toml and the chapter files into.
    #[arg(long, default_value = "book")]
    pub into: PathBuf,
    /// Replace existing files (book.toml, chapter files) in the folder.
    #[arg(long)]
    pub force: bool,
    /// Report format: a summary and the repaired breaks on standard error
    /// (human), or one JSON document on standard output (json).
    #[arg(long, value_enum, default_value = "human")]
    pub format: ImportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    Human,
    Json,
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

    /// A progress bar of `len` steps, drawn only on a terminal.
    pub fn progress(&self, len: u64) -> Progress {
        Progress::start(self.interactive && self.verbosity != Verbosity::Quiet, len)
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
        Command::Check(args) => Ok(crate::check::cli::run(
            &args,
            reporter.verbosity == Verbosity::Verbose,
        )),
        Command::Init(args) => run_init(&args, &reporter),
        Command::Serve(args) => crate::serve::run(&args, reporter.verbosity == Verbosity::Quiet),
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
    use crate::import::report;
    let r = crate::import::import(&args.page, &args.into, args.force)?;
    if args.format == ImportFormat::Json {
        println!("{:#}", report::json(&r, &args.page, &args.into));
        return Ok(0);
    }
    reporter.diagnostics(&Failure(r.warnings.clone()));
    reporter.info(report::summary(&r, &args.page, &args.into));
    for line in report::break_lines(&r, &args.page) {
        reporter.info(line);
    }
    for path in &r.written {
        reporter.detail(format!("wrote {}", path.display()));
    }
    Ok(0)
}

fn run_build(args: &BuildArgs, reporter: &Reporter) -> Result<i32, Failure> {
    let mut editions = Vec::new();
    if args.epub {
        editions.push("epub".to_string());
    }
    if args.pdf {
        editions.push("pdf".to_string());
    }
    let opts = crate::pipeline::BuildOptions {
        book: args.book.clone(),
        out: args.out.clone(),
        editions,
        missing: args.missing,
    };
    // load, fonts, coverage, assets, each edition, write (and check).
    let editions = if opts.editions.is_empty() {
        2
    } else {
        opts.editions.len()
    };
    let len = 5 + editions as u64 + u64::from(args.check);
    let progress = reporter.progress(len);
    let built = crate::pipeline::build(&opts, &|step| progress.step(step));
    if !args.check || built.is_err() {
        progress.finish();
    }
    let report = built?;
    reporter.diagnostics(&Failure(report.warnings.clone()));
    for (step, took) in &report.steps {
        reporter.detail(format!("{step}: {} ms", took.as_millis()));
    }
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
    // What the editions promise chooses the profiles: the page size of the
    // print edition, and whether the EPUB embeds its fonts (a book without
    // embedded fonts is not judged by the distribution rules).
    let embed_fonts = report
        .written
        .iter()
        .filter(|w| w.path.extension().is_some_and(|e| e == "epub"))
        .all(|w| w.expect.embeds_fonts);
    let paper = match report.written.iter().find_map(|w| w.expect.page_size_pt) {
        Some((w, h)) => crate::check::Paper {
            name: format!(
                "{:.0}×{:.0} mm",
                w / crate::style::PT_PER_MM,
                h / crate::style::PT_PER_MM
            ),
            width_pt: f64::from(w),
            height_pt: f64::from(h),
        },
        None => crate::check::Paper::a4(),
    };
    let opts = crate::check::profiles_for_build(embed_fonts, &paper);
    progress.step("check");
    let t = std::time::Instant::now();
    let checked = crate::check::check_files(&paths, &opts);
    progress.finish();
    reporter.detail(format!("check: {} ms", t.elapsed().as_millis()));
    let text = crate::check::report::human(&checked, false);
    if checked.exit_code(false) != 0 || reporter.verbosity != Verbosity::Quiet {
        eprint!("{text}");
    }
    Ok(checked.exit_code(false))
}

fn run_init(args: &crate::init::InitArgs, reporter: &Reporter) -> Result<i32, Failure> {
    let written = crate::init::init(&args.dir, &args.title, args.force)?;
    for path in &written {
        reporter.detail(format!("wrote {}", path.display()));
    }
    let dir = args.dir.display();
    reporter.info(format!(
        "created a new book in {dir}; build it with `bindery build --book {dir}` or preview it with `bindery serve --book {dir}`"
    ));
    Ok(0)
}

/// A progress bar on stderr for a build that runs longer than a second
/// (shorter ones would only flicker); never drawn off a terminal, in CI or
/// with `--quiet`.
pub struct Progress {
    bar: Option<(
        indicatif::ProgressBar,
        std::sync::Arc<std::sync::Mutex<bool>>,
    )>,
}

impl Progress {
    const DELAY: std::time::Duration = std::time::Duration::from_secs(1);

    fn start(shown: bool, len: u64) -> Progress {
        if !shown {
            return Progress { bar: None };
        }
        use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} [{bar:24}] {pos}/{len} {msg}") {
            bar.set_style(style.progress_chars("=> "));
        }
        let done = std::sync::Arc::new(std::sync::Mutex::new(false));
        let (b, d) = (bar.clone(), done.clone());
        std::thread::spawn(move || {
            std::thread::sleep(Self::DELAY);
            // The lock keeps a finished bar from being drawn again.
            if let Ok(done) = d.lock()
                && !*done
            {
                b.set_draw_target(ProgressDrawTarget::stderr());
                b.enable_steady_tick(std::time::Duration::from_millis(100));
            }
        });
        Progress {
            bar: Some((bar, done)),
        }
    }

    /// A step begins: the ones before it are done.
    pub fn step(&self, name: &str) {
        if let Some((bar, _)) = &self.bar {
            if !bar.message().is_empty() {
                bar.inc(1);
            }
            bar.set_message(name.to_string());
        }
    }

    pub fn finish(&self) {
        if let Some((bar, done)) = &self.bar {
            if let Ok(mut done) = done.lock() {
                *done = true;
            }
            bar.finish_and_clear();
        }
    }
}
