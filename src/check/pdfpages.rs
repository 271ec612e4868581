//! The page tree: every page in order, with its inherited attributes.

use std::collections::HashSet;

use super::pdfread::{Dict, Document, MAX_DEPTH, Obj, PdfError};

impl Document<'_> {
    /// Every page in order, with inherited attributes resolved.
    pub fn pages(&self) -> Result<Vec<Page>, PdfError> {
        let cat = self.catalog()?;
        let cat = cat.as_dict().expect("checked");
        let root = cat
            .get("Pages")
            .ok_or_else(|| PdfError::Syntax("the catalog has no /Pages".into(), 0))?;
        let mut pages = Vec::new();
        let mut visited: HashSet<u32> = HashSet::new();
        // Explicit stack: (node, inherited, depth); children pushed reversed.
        let mut stack: Vec<(Obj, Inherited, usize)> = vec![(root.clone(), Inherited::default(), 0)];
        while let Some((node_ref, inh, depth)) = stack.pop() {
            if depth > MAX_DEPTH {
                return Err(PdfError::Limit(
                    "the page tree is deeper than 64 levels".into(),
                ));
            }
            let id = node_ref.as_ref_id();
            if let Some((n, _)) = id
                && !visited.insert(n)
            {
                return Err(PdfError::Loop(format!(
                    "the page tree reaches object {n} 0 R twice"
                )));
            }
            let node = self.resolve(&node_ref)?;
            let Some(d) = node.as_dict() else {
                return Err(PdfError::Syntax(
                    "a page tree node is not a dictionary".into(),
                    0,
                ));
            };
            let mut inh = inh;
            for (key, slot) in [
                ("MediaBox", &mut inh.media_box),
                ("CropBox", &mut inh.crop_box),
                ("Resources", &mut inh.resources),
                ("Rotate", &mut inh.rotate),
            ] {
                if let Some(v) = d.get(key) {
                    *slot = Some(self.resolve(v)?.clone());
                }
            }
            let is_pages = d.get("Type").is_some_and(|t| t.is_name("Pages"))
                || (d.contains("Kids") && !d.get("Type").is_some_and(|t| t.is_name("Page")));
            if is_pages {
                let kids = self.dict_get(d, "Kids")?;
                let kids = kids.as_array().unwrap_or(&[]);
                if pages.len() + kids.len() > 1_000_000 {
                    return Err(PdfError::Limit("more than a million pages".into()));
                }
                for k in kids.iter().rev() {
                    stack.push((k.clone(), inh.clone(), depth + 1));
                }
            } else {
                pages.push(Page {
                    id: id.map(|(n, _)| n),
                    dict: d.clone(),
                    inherited: inh,
                });
            }
        }
        Ok(pages)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Inherited {
    pub media_box: Option<Obj>,
    pub crop_box: Option<Obj>,
    pub resources: Option<Obj>,
    pub rotate: Option<Obj>,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// The page object's number (None for a direct page dictionary).
    pub id: Option<u32>,
    pub dict: Dict,
    pub inherited: Inherited,
}
