//! The print edition: the book typeset by `layout` following the document
//! class (with `[pdf]`'s page and grid), drawn by krilla. Its page map goes
//! to later editions so the EPUB can cite printed pages.

mod draw;
pub mod options;
mod pack;
mod tags;
mod widen;
mod write;

use super::{Edition, Expectations, RenderContext, Rendered, Split};
use crate::diag::{Diagnostic, Failure};
use crate::layout::{self, Document};
use crate::source::config::Settings;
use crate::style::{DocumentClass, mm};
pub use options::PdfOptions;
pub use write::write_pdf;

/// The PDF edition with its options and the class it sets the book in.
pub struct PdfEdition {
    pub options: PdfOptions,
    pub class: DocumentClass,
}

/// Reads `[pdf]`.
pub fn configure(
    settings: &Settings,
    class: &DocumentClass,
) -> Result<Box<dyn Edition>, Diagnostic> {
    let options: PdfOptions = settings.table("pdf")?.unwrap_or_default();
    let at = |key: &str, msg: String| {
        let offset = settings.span_of("pdf", key).map_or(0, |s| s.start);
        settings.error_at(offset, msg).rule("pdf.options")
    };
    if let Some(first) = options.validate(class, &at).into_iter().next() {
        return Err(first);
    }
    Ok(Box::new(PdfEdition::new(options, class)))
}

impl PdfEdition {
    pub fn new(options: PdfOptions, class: &DocumentClass) -> Self {
        let class = options.apply(class);
        PdfEdition { options, class }
    }

    /// Typesets the book (without writing it), with a record of its lines.
    pub fn typeset(&self, ctx: &RenderContext) -> Document {
        self.typeset_with(ctx, true)
    }

    fn typeset_with(&self, ctx: &RenderContext, record_lines: bool) -> Document {
        let mut cx = layout::Ctx::new(ctx, &self.class);
        cx.record_lines = record_lines;
        let cover = &ctx.assets.cover;
        layout::typeset(&cx, Some((cover.width, cover.height)))
    }
}

impl Edition for PdfEdition {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn extension(&self) -> &'static str {
        "pdf"
    }

    fn render(&self, ctx: &RenderContext) -> Result<Rendered, Failure> {
        let split = self.render_split(ctx)?;
        (split.finish)()
    }

    /// The page map once the book is set; writing the PDF (krilla's
    /// serialisation, font subsetting and compression) can then run while
    /// the EPUB is made.
    fn render_split<'a>(&'a self, ctx: &RenderContext<'a>) -> Result<Split<'a>, Failure> {
        let doc = self.typeset_with(ctx, false);
        if !doc.notdef.is_empty() {
            let shown: Vec<String> = doc
                .notdef
                .iter()
                .take(5)
                .map(|t| format!("“{t}”"))
                .collect();
            return Err(Diagnostic::error(format!(
                "the typeset PDF would show empty boxes: no face of the book has a glyph for some character of {}",
                shown.join(", ")
            ))
            .rule("pdf.notdef")
            .into());
        }
        let ctx = *ctx;
        Ok(Split {
            page_map: Some(doc.page_map.clone()),
            warnings: doc.warnings.clone(),
            finish: Box::new(move || {
                let mut doc = doc;
                let bytes = write_pdf(&mut doc, &ctx, &self.options)?;
                let page = &self.class.page;
                Ok(Rendered {
                    bytes,
                    page_map: Some(doc.page_map),
                    expect: Expectations {
                        page_size_pt: Some((mm(page.width_mm), mm(page.height_mm))),
                        ..Default::default()
                    },
                    warnings: doc.warnings,
                })
            }),
        })
    }
}
