//! `bindery build`: sources → model → editions → files, in one direction.
//! [`prepare`] reads the book folder and everything every edition needs
//! (fonts, generated strings, coverage, assets); [`build`] then renders the
//! chosen editions in registration order — a print edition before the EPUB
//! that cites its pages — and writes their files only when all succeeded.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::assets::Assets;
use crate::diag::{Diagnostic, Failure};
use crate::editions::{self, Edition, Expectations, RenderContext};
use crate::fonts::FontSet;
use crate::model::Book;
use crate::model::pagemap::PageMap;
use crate::output::write_all;
use crate::script::generated::Texts;
use crate::source::config::Missing;
use crate::source::{BOOK_TOML, Sources};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub book: PathBuf,
    pub out: PathBuf,
    /// Editions to build by name; empty means all.
    pub editions: Vec<String>,
    /// `--missing`: overrides `[fonts] missing`.
    pub missing: Option<Missing>,
}

/// One file written by a build.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub bytes: usize,
    pub took: Duration,
    pub expect: Expectations,
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub written: Vec<Written>,
    /// Warnings about the sources and what the editions made of them.
    pub warnings: Vec<Diagnostic>,
    /// Each step's name and time, in order.
    pub steps: Vec<(String, Duration)>,
}

/// Everything the editions read, prepared once.
pub struct Prepared {
    pub sources: Sources,
    pub fonts: FontSet,
    pub texts: Texts,
    pub assets: Assets,
    pub date: i64,
    pub editions: Vec<Box<dyn Edition>>,
}

impl Prepared {
    pub fn book(&self) -> &Book {
        &self.sources.book
    }

    /// The context an edition renders with.
    pub fn context<'a>(&'a self, page_map: Option<&'a PageMap>) -> RenderContext<'a> {
        RenderContext {
            book: &self.sources.book,
            class: &self.sources.class,
            fonts: &self.fonts,
            texts: &self.texts,
            assets: &self.assets,
            date: self.date,
            page_map,
        }
    }

    /// The edition called `name`.
    pub fn edition(&self, name: &str) -> Option<&dyn Edition> {
        self.editions
            .iter()
            .find(|e| e.name() == name)
            .map(|e| e.as_ref())
    }

    /// Prepares the book in `dir` without reporting steps.
    pub fn load(dir: &Path) -> Result<Prepared, Failure> {
        prepare(dir, &mut Steps::new(&|_| {}))
    }

    /// The same preparation for another book (one built in memory by a
    /// test or a benchmark): its generated strings and assets are
    /// prepared anew.
    pub fn with_book(mut self, book: Book) -> Result<Prepared, Failure> {
        self.texts = Texts::new(&book, &self.fonts);
        self.assets = Assets::load(&book, &self.fonts)?;
        self.sources.book = book;
        Ok(self)
    }

    /// The print edition as `[pdf]` configures it.
    pub fn pdf_edition(&self) -> Result<crate::editions::pdf::PdfEdition, Failure> {
        let options = self.sources.settings.table("pdf")?.unwrap_or_default();
        Ok(crate::editions::pdf::PdfEdition::new(
            options,
            &self.sources.class,
        ))
    }

    /// The EPUB edition as `[epub]` configures it.
    pub fn epub_edition(&self) -> Result<crate::editions::epub::EpubEdition, Failure> {
        let options = self.sources.settings.table("epub")?.unwrap_or_default();
        Ok(crate::editions::epub::EpubEdition {
            options,
            class: self.sources.class.clone(),
        })
    }

    /// Renders the edition `name` in memory, with the page map of a print
    /// edition rendered before it.
    pub fn render(
        &self,
        name: &str,
        page_map: Option<&PageMap>,
    ) -> Result<crate::editions::Rendered, Failure> {
        let e = self
            .edition(name)
            .ok_or_else(|| Diagnostic::error(format!("no edition named {name}")))?;
        e.render(&self.context(page_map))
    }
}

/// Times the steps of a build and tells `progress` about each.
pub struct Steps<'p> {
    progress: &'p dyn Fn(&str),
    pub done: Vec<(String, Duration)>,
    start: Option<(String, Instant)>,
}

impl<'p> Steps<'p> {
    pub fn new(progress: &'p dyn Fn(&str)) -> Self {
        Steps {
            progress,
            done: Vec::new(),
            start: None,
        }
    }

    pub fn begin(&mut self, name: &str) {
        self.end();
        (self.progress)(name);
        self.start = Some((name.to_string(), Instant::now()));
    }

    pub fn end(&mut self) {
        if let Some((name, t)) = self.start.take() {
            self.done.push((name, t.elapsed()));
        }
    }
}

/// Loads the book in `dir` and prepares what the editions need: every
/// problem of a stage is reported at once.
pub fn prepare(dir: &Path, steps: &mut Steps) -> Result<Prepared, Failure> {
    prepare_with(dir, None, steps)
}

/// [`prepare`], with `missing` in place of `[fonts] missing` when given.
pub fn prepare_with(
    dir: &Path,
    missing: Option<Missing>,
    steps: &mut Steps,
) -> Result<Prepared, Failure> {
    steps.begin("load");
    let (mut sources, problems) = crate::source::load_all(dir)?;
    if let Some(m) = missing {
        sources.fonts.missing = m;
    }
    prepare_sources(sources, problems, steps)
}

/// Prepares loaded sources (with the problems found loading them, so the
/// problems of every stage are reported together).
pub fn prepare_sources(
    mut sources: Sources,
    mut problems: Vec<Diagnostic>,
    steps: &mut Steps,
) -> Result<Prepared, Failure> {
    let mut known = vec!["book", "fonts"];
    known.extend(editions::names());
    match sources.settings.unknown_tables(&known) {
        Ok(d) => problems.extend(d),
        Err(d) => problems.push(d),
    }
    let mut chosen = Vec::new();
    for (_, configure) in editions::EDITIONS {
        match configure(&sources.settings, &sources.class) {
            Ok(e) => chosen.push(e),
            Err(d) => problems.push(d),
        }
    }
    steps.begin("fonts");
    let root = sources.book.root.clone();
    let fonts = FontSet::load(
        &sources.fonts,
        &sources.class.faces,
        &root,
        &root.join(BOOK_TOML),
    );
    let mut fonts = match fonts {
        Ok(f) => f,
        Err(f) => {
            problems.extend(f.0);
            // The images and the cover still get checked (with the bundled
            // faces, for SVG text), so one run reports every problem.
            problems.extend(Assets::problems(&sources.book, &FontSet::bundled()));
            problems.extend(sources.warnings.iter().cloned());
            return Err(Failure(problems));
        }
    };
    let mut texts = Texts::new(&sources.book, &fonts);
    steps.begin("coverage");
    let coverage =
        crate::fonts::coverage::resolve(&mut sources.book, &mut fonts, &sources.fonts, &texts);
    match coverage {
        Ok(w) if w.is_empty() => {}
        Ok(w) => {
            sources.warnings.extend(w);
            texts = Texts::new(&sources.book, &fonts);
        }
        Err(f) => problems.extend(f.0),
    }
    let book = &sources.book;
    if let Err(f) = crate::fonts::coverage::check(book, &fonts, &texts) {
        problems.extend(f.0);
    }
    steps.begin("assets");
    // A build that has failed already only looks for more problems.
    let assets = if problems.is_empty() {
        Assets::load(book, &fonts)
            .map_err(|f| problems.extend(f.0))
            .ok()
    } else {
        problems.extend(Assets::problems(book, &fonts));
        None
    };
    let date = source_date(book);
    if let Err(d) = &date {
        problems.push(d.clone());
    }
    let (Some(assets), Ok(date), true) = (assets, date, problems.is_empty()) else {
        problems.extend(sources.warnings.iter().cloned());
        return Err(Failure(problems));
    };
    steps.end();
    Ok(Prepared {
        sources,
        fonts,
        texts,
        assets,
        date,
        editions: chosen,
    })
}

/// Runs a build; `progress` receives the name of each step as it starts.
pub fn build(opts: &BuildOptions, progress: &dyn Fn(&str)) -> Result<BuildReport, Failure> {
    let mut steps = Steps::new(progress);
    let prepared = prepare_with(&opts.book, opts.missing, &mut steps)?;
    let wanted = |name: &str| opts.editions.is_empty() || opts.editions.iter().any(|e| e == name);
    let chosen: Vec<&dyn Edition> = prepared
        .editions
        .iter()
        .filter(|e| wanted(e.name()))
        .map(|e| e.as_ref())
        .collect();
    // Page maps live outside the threads that write the files.
    let maps: Vec<OnceLock<PageMap>> = chosen.iter().map(|_| OnceLock::new()).collect();
    let mut warnings = prepared.sources.warnings.clone();
    let slug = &prepared.book().meta.slug;
    let rendered = std::thread::scope(|s| -> Result<Vec<_>, Failure> {
        let mut pending = Vec::new();
        let mut page_map: Option<&PageMap> = None;
        for (edition, map) in chosen.iter().zip(&maps) {
            steps.begin(edition.name());
            let start = Instant::now();
            let split = edition.render_split(&prepared.context(page_map));
            let split = split.map_err(|mut f| {
                f.0.extend(warnings.iter().cloned());
                f
            })?;
            warnings.extend(split.warnings);
            if let Some(m) = split.page_map {
                page_map = Some(map.get_or_init(|| m));
            }
            // The rest of this edition (writing its file) runs beside the
            // next ones; results are collected in edition order.
            let finish = split.finish;
            let set = start.elapsed();
            let handle = s.spawn(move || {
                let t = Instant::now();
                (finish(), set + t.elapsed())
            });
            let path = opts.out.join(format!("{slug}.{}", edition.extension()));
            pending.push((path, handle));
        }
        steps.begin("finish");
        let mut out = Vec::new();
        for (path, handle) in pending {
            let (result, took) = handle.join().expect("an edition's thread finished");
            let r = result.map_err(|mut f| {
                f.0.extend(warnings.iter().cloned());
                f
            })?;
            out.push((path, r, took));
        }
        Ok(out)
    })?;
    steps.begin("write");
    let files: Vec<(PathBuf, &[u8])> = rendered
        .iter()
        .map(|(path, out, _)| (path.clone(), &out.bytes[..]))
        .collect();
    write_all(&files).map_err(|d| d.rule("output.write"))?;
    let written = rendered
        .into_iter()
        .map(|(path, out, took)| Written {
            path,
            bytes: out.bytes.len(),
            took,
            expect: out.expect,
        })
        .collect();
    steps.end();
    Ok(BuildReport {
        written,
        warnings,
        steps: steps.done,
    })
}

/// The date stamped into the editions: SOURCE_DATE_EPOCH when set (for
/// reproducible builds), else the newest modification time of the sources.
pub fn source_date(book: &Book) -> Result<i64, Diagnostic> {
    if let Some(v) = std::env::var_os("SOURCE_DATE_EPOCH") {
        let s = v.to_string_lossy();
        return s.trim().parse::<i64>().map_err(|_| {
            Diagnostic::error(format!(
                "SOURCE_DATE_EPOCH={s} is not a number of seconds since 1970"
            ))
            .rule("build.date")
        });
    }
    let mut files: Vec<PathBuf> = vec![book.root.join(BOOK_TOML)];
    files.extend(book.chapters.iter().map(|c| book.root.join(&c.source)));
    files.extend(book.cover.iter().map(|c| c.path.clone()));
    Ok(files.iter().filter_map(|p| mtime(p)).max().unwrap_or(0))
}

fn mtime(path: &Path) -> Option<i64> {
    let t = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() as i64)
}

/// Builds every edition of a book given as text — `book.toml` and one
/// chapter, served for every chapter the book lists — in memory: nothing
/// is written, and nothing is read but fonts named by absolute path (the
/// book folder, `root`, need not exist). The fuzz target runs the whole
/// build through this.
pub fn build_in_memory(
    root: &Path,
    toml: &[u8],
    chapter: &[u8],
) -> Result<Vec<crate::editions::Rendered>, Failure> {
    use crate::source::text;
    let toml_path = root.join(BOOK_TOML);
    let toml = text::decode(toml, &toml_path)?;
    let read = |full: &Path| text::decode(chapter, full).map_err(text::ReadError::Text);
    let (sources, problems) = crate::source::from_texts(root, toml, &read)?;
    let prepared = prepare_sources(sources, problems, &mut Steps::new(&|_| {}))?;
    let mut page_map: Option<PageMap> = None;
    let mut out = Vec::new();
    for edition in &prepared.editions {
        let r = edition.render(&prepared.context(page_map.as_ref()))?;
        if r.page_map.is_some() {
            page_map = r.page_map.clone();
        }
        out.push(r);
    }
    Ok(out)
}
