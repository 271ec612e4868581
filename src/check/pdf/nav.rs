//! The outline (bookmarks) and internal links: every target is a page.

use std::collections::{HashMap, HashSet};

use super::super::pdfread::{Dict, Document, Obj, Page};
use super::super::{Location, Sink};
use super::{MAX_LISTED, pdf_string, report_err};

/// Where a destination leads: Ok(page index), Err(why not).
fn resolve_dest(
    doc: &Document,
    cat: &Dict,
    dest: &Obj,
    page_ids: &HashMap<u32, usize>,
    page_count: usize,
) -> Result<usize, String> {
    let d = doc.resolve(dest).map_err(|e| e.to_string())?;
    let arr: Vec<Obj> = match &*d {
        Obj::Array(a) => a.clone(),
        Obj::Name(n) => {
            let dests = doc.dict_get(cat, "Dests").map_err(|e| e.to_string())?;
            let found = dests
                .as_dict()
                .and_then(|x| x.get(&String::from_utf8_lossy(n)))
                .cloned()
                .ok_or_else(|| {
                    format!(
                        "named destination /{} is not defined",
                        String::from_utf8_lossy(n)
                    )
                })?;
            return resolve_named_value(doc, cat, &found, page_ids, page_count);
        }
        Obj::Str(s) => {
            let found = lookup_name_tree(doc, cat, s).ok_or_else(|| {
                format!(
                    "named destination ({}) is not defined",
                    String::from_utf8_lossy(s)
                )
            })?;
            return resolve_named_value(doc, cat, &found, page_ids, page_count);
        }
        Obj::Dict(x) if x.contains("D") => {
            return resolve_dest(doc, cat, x.get("D").expect("checked"), page_ids, page_count);
        }
        other => {
            return Err(format!(
                "destination is not an array or a name ({})",
                kind(other)
            ));
        }
    };
    match arr.first() {
        Some(Obj::Ref(n, g)) => page_ids
            .get(n)
            .copied()
            .ok_or_else(|| format!("destination object {n} {g} R is not a page of this document")),
        Some(Obj::Int(i)) if *i >= 0 && (*i as usize) < page_count => Ok(*i as usize),
        Some(other) => Err(format!("destination names no page ({})", kind(other))),
        None => Err("destination array is empty".into()),
    }
}

fn resolve_named_value(
    doc: &Document,
    cat: &Dict,
    v: &Obj,
    page_ids: &HashMap<u32, usize>,
    page_count: usize,
) -> Result<usize, String> {
    let r = doc.resolve(v).map_err(|e| e.to_string())?;
    match &*r {
        Obj::Array(_) => resolve_dest(doc, cat, &r, page_ids, page_count),
        Obj::Dict(x) => match x.get("D") {
            Some(dd) => {
                let dd = doc.resolve(dd).map_err(|e| e.to_string())?;
                if dd.as_array().is_some() {
                    resolve_dest(doc, cat, &dd, page_ids, page_count)
                } else {
                    Err("named destination is not an array".into())
                }
            }
            None => Err("named destination has no /D".into()),
        },
        other => Err(format!("named destination is a {}", kind(other))),
    }
}

fn lookup_name_tree(doc: &Document, cat: &Dict, key: &[u8]) -> Option<Obj> {
    let names = doc.dict_get(cat, "Names").ok()?;
    let root = names.as_dict()?.get("Dests")?.clone();
    let mut stack = vec![(root, 0usize)];
    let mut seen = HashSet::new();
    let mut visits = 0;
    while let Some((node, depth)) = stack.pop() {
        visits += 1;
        if depth > 32 || visits > 100_000 {
            return None;
        }
        if let Obj::Ref(n, _) = node
            && !seen.insert(n)
        {
            continue;
        }
        let n = doc.resolve(&node).ok()?;
        let d = n.as_dict()?;
        if let Ok(a) = doc.dict_get(d, "Names")
            && let Some(a) = a.as_array()
        {
            for p in a.chunks(2) {
                if let [k, v] = p
                    && let Ok(k) = doc.resolve(k)
                    && matches!(&*k, Obj::Str(s) if s == key)
                {
                    return Some(v.clone());
                }
            }
        }
        if let Ok(k) = doc.dict_get(d, "Kids")
            && let Some(k) = k.as_array()
        {
            for kid in k {
                stack.push((kid.clone(), depth + 1));
            }
        }
    }
    None
}

fn kind(o: &Obj) -> &'static str {
    match o {
        Obj::Null => "null",
        Obj::Bool(_) => "boolean",
        Obj::Int(_) | Obj::Real(_) => "number",
        Obj::Name(_) => "name",
        Obj::Str(_) => "string",
        Obj::Array(_) => "array",
        Obj::Dict(_) => "dictionary",
        Obj::Stream(_) => "stream",
        Obj::Ref(..) => "reference",
    }
}

/// The internal destination of a link or outline entry, if it has one:
/// `/Dest`, or a `/GoTo` action's `/D`. Other actions (URI, ...) give None.
fn internal_dest(doc: &Document, d: &Dict) -> Result<Option<Obj>, String> {
    if let Some(dest) = d.get("Dest") {
        return Ok(Some(dest.clone()));
    }
    let a = doc.dict_get(d, "A").map_err(|e| e.to_string())?;
    if let Some(a) = a.as_dict()
        && a.get("S").is_some_and(|s| s.is_name("GoTo"))
    {
        return match a.get("D") {
            Some(dd) => Ok(Some(dd.clone())),
            None => Err("GoTo action without /D".into()),
        };
    }
    Ok(None)
}

pub fn check_outline(
    doc: &Document,
    cat: &Dict,
    page_ids: &HashMap<u32, usize>,
    page_count: usize,
    sink: &mut Sink,
) {
    let outlines = match doc.dict_get(cat, "Outlines") {
        Ok(o) => o.as_dict().cloned(),
        Err(e) => {
            report_err(
                sink,
                &e,
                "pdf.outline.bad-target",
                Location::none(),
                "the outline cannot be read",
            );
            return;
        }
    };
    let first = outlines.as_ref().and_then(|o| o.get("First")).cloned();
    let Some(first) = first else {
        sink.warning(
            "pdf.outline.missing",
            Location::none(),
            "the document has no outline (bookmarks): readers cannot navigate by chapter",
        );
        return;
    };
    let mut stack = vec![(first, 0usize)];
    let mut seen = HashSet::new();
    let mut entries = 0;
    let mut bad = 0;
    while let Some((item, depth)) = stack.pop() {
        if depth > 64 || entries > 100_000 {
            sink.report(
                "pdf.limits",
                Location::none(),
                "the outline is too deep or too large",
            );
            return;
        }
        let id = item.as_ref_id();
        if let Some((n, g)) = id
            && !seen.insert(n)
        {
            sink.report(
                "pdf.structure.loop",
                Location::object(n, g),
                format!("the outline reaches entry {n} {g} R twice (a loop)"),
            );
            return;
        }
        let node = match doc.resolve(&item) {
            Ok(n) => n,
            Err(e) => {
                report_err(
                    sink,
                    &e,
                    "pdf.outline.bad-target",
                    Location::none(),
                    "an outline entry cannot be read",
                );
                return;
            }
        };
        let Some(d) = node.as_dict() else {
            sink.report(
                "pdf.outline.bad-target",
                Location::none(),
                "an outline entry is not a dictionary",
            );
            return;
        };
        entries += 1;
        let title = d
            .get("Title")
            .and_then(|t| doc.resolve(t).ok())
            .and_then(|t| match &*t {
                Obj::Str(s) => Some(pdf_string(s)),
                _ => None,
            })
            .unwrap_or_default();
        let loc = || match id {
            Some((n, g)) => Location::object(n, g),
            None => Location::none(),
        };
        match internal_dest(doc, d) {
            Ok(Some(dest)) => {
                if let Err(why) = resolve_dest(doc, cat, &dest, page_ids, page_count) {
                    bad += 1;
                    if bad <= MAX_LISTED {
                        sink.report(
                            "pdf.outline.bad-target",
                            loc(),
                            format!("outline entry \"{title}\": {why}"),
                        );
                    }
                }
            }
            Ok(None) => {
                if !d.contains("A") {
                    bad += 1;
                    if bad <= MAX_LISTED {
                        sink.report(
                            "pdf.outline.bad-target",
                            loc(),
                            format!("outline entry \"{title}\" has no destination"),
                        );
                    }
                }
            }
            Err(why) => {
                bad += 1;
                if bad <= MAX_LISTED {
                    sink.report(
                        "pdf.outline.bad-target",
                        loc(),
                        format!("outline entry \"{title}\": {why}"),
                    );
                }
            }
        }
        if let Some(n) = d.get("Next") {
            stack.push((n.clone(), depth));
        }
        if let Some(c) = d.get("First") {
            stack.push((c.clone(), depth + 1));
        }
    }
}

pub fn check_links(
    doc: &Document,
    cat: &Dict,
    pages: &[Page],
    page_ids: &HashMap<u32, usize>,
    sink: &mut Sink,
) {
    let mut bad = 0;
    for (i, p) in pages.iter().enumerate() {
        let Ok(annots) = doc.dict_get(&p.dict, "Annots") else {
            continue;
        };
        let Some(annots) = annots.as_array() else {
            continue;
        };
        for a in annots.iter().take(100_000) {
            let Ok(a) = doc.resolve(a) else { continue };
            let Some(d) = a.as_dict() else { continue };
            if !d.get("Subtype").is_some_and(|s| s.is_name("Link")) {
                continue;
            }
            let problem = match internal_dest(doc, d) {
                Ok(Some(dest)) => resolve_dest(doc, cat, &dest, page_ids, pages.len()).err(),
                Ok(None) => None,
                Err(why) => Some(why),
            };
            if let Some(why) = problem {
                bad += 1;
                if bad <= MAX_LISTED {
                    sink.report(
                        "pdf.link.unresolved",
                        Location::page(i + 1),
                        format!("internal link: {why}"),
                    );
                }
            }
        }
    }
    if bad > MAX_LISTED {
        sink.report(
            "pdf.link.unresolved",
            Location::none(),
            format!("and {} more unresolved internal links", bad - MAX_LISTED),
        );
    }
}
