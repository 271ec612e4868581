//! Just enough CSS to know which font a reader uses for a piece of text:
//! `@font-face` rules (family, src, weight) and the `font-family`,
//! `font-weight` and `font` declarations of style rules, with a simple
//! selector matcher (type, class, id, universal, descendant chains).

/// A declared web font.
#[derive(Debug, Clone, PartialEq)]
pub struct FontFace {
    /// Lower-cased family name.
    pub family: String,
    /// `url(...)` sources, in order, as written.
    pub src: Vec<String>,
    pub weight: u16,
}

/// One compound selector: `p.note#x`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Compound {
    pub tag: Option<String>,
    pub classes: Vec<String>,
    pub id: Option<String>,
    /// Has a part this reader cannot judge (attribute selector): never matches.
    pub opaque: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    /// Ancestors first, the subject last. Every combinator is read as
    /// "descendant", which can only make a rule match more, not less.
    pub chain: Vec<Compound>,
    pub specificity: (u32, u32, u32),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StyleRule {
    pub selectors: Vec<Selector>,
    pub family: Option<Vec<String>>,
    pub weight: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stylesheet {
    pub faces: Vec<FontFace>,
    /// In source order (later wins at equal specificity).
    pub rules: Vec<StyleRule>,
}

/// The generic families of CSS Fonts 4.
pub const GENERIC: &[&str] = &[
    "serif",
    "sans-serif",
    "monospace",
    "cursive",
    "fantasy",
    "system-ui",
    "ui-serif",
    "ui-sans-serif",
    "ui-monospace",
    "ui-rounded",
    "math",
    "emoji",
    "fangsong",
];

fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        match rest[i + 2..].find("*/") {
            Some(j) => rest = &rest[i + 2 + j + 2..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Splits `a { b } c { d { e } }` into top-level (prelude, body) pairs.
fn blocks(css: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut prelude_start = 0;
    let mut body_start = 0;
    let mut quote: Option<char> = None;
    for (i, c) in css.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            ';' if depth == 0 => prelude_start = i + 1, // @import, @charset
            '{' => {
                if depth == 0 {
                    body_start = i + 1;
                }
                depth += 1;
            }
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push((
                        css[prelude_start..body_start - 1].trim().to_string(),
                        css[body_start..i].to_string(),
                    ));
                    prelude_start = i + 1;
                }
            }
            _ => {}
        }
    }
    out
}

fn declarations(body: &str) -> Vec<(String, String)> {
    body.split(';')
        .filter_map(|d| {
            let (k, v) = d.split_once(':')?;
            let v = v.trim();
            let v = v.strip_suffix("!important").unwrap_or(v).trim();
            Some((k.trim().to_ascii_lowercase(), v.to_string()))
        })
        .collect()
}

/// `"Noto Serif CJK SC", serif` → ["noto serif cjk sc", "serif"].
pub fn family_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(|f| {
            let f = f.trim();
            let f = f
                .strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .or_else(|| f.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
                .unwrap_or(f);
            f.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .filter(|f| !f.is_empty())
        .collect()
}

fn weight(v: &str) -> Option<u16> {
    match v.trim().to_ascii_lowercase().as_str() {
        "normal" | "lighter" => Some(400),
        "bold" | "bolder" => Some(700),
        n => n.parse::<u16>().ok().filter(|w| (1..=1000).contains(w)),
    }
}

/// The family list and weight of a `font` shorthand.
fn font_shorthand(v: &str) -> (Option<Vec<String>>, Option<u16>) {
    // The family list follows the size (the first token starting with a
    // digit or a dot, possibly with "/line-height").
    let mut w = None;
    let mut rest = v;
    loop {
        let t = rest.trim_start();
        let end = t.find(char::is_whitespace).unwrap_or(t.len());
        let tok = &t[..end];
        if tok.is_empty() {
            return (None, w);
        }
        if let Some(x) =
            weight(tok).filter(|_| !tok.starts_with(|c: char| c.is_ascii_digit()) || tok.len() == 3)
        {
            w = Some(x);
        } else if tok.starts_with(|c: char| c.is_ascii_digit() || c == '.')
            || [
                "xx-small", "x-small", "small", "medium", "large", "x-large", "xx-large",
                "smaller", "larger",
            ]
            .contains(&tok.split('/').next().unwrap_or(""))
        {
            let fam = t[end..].trim();
            return ((!fam.is_empty()).then(|| family_list(fam)), w);
        }
        rest = &t[end..];
    }
}

fn parse_compound(s: &str) -> Compound {
    let mut c = Compound::default();
    // Pseudo-classes are ignored (the rule may then match more elements).
    let s = match s.find(':') {
        Some(i) => &s[..i],
        None => s,
    };
    if s.contains('[') {
        c.opaque = true;
    }
    let s = s.split('[').next().unwrap_or("");
    let mut cur = String::new();
    let mut kind = 't';
    let flush = |kind: char, cur: &mut String, c: &mut Compound| {
        if !cur.is_empty() {
            match kind {
                't' if cur != "*" => c.tag = Some(cur.to_ascii_lowercase()),
                '.' => c.classes.push(cur.clone()),
                '#' => c.id = Some(cur.clone()),
                _ => {}
            }
        }
        cur.clear();
    };
    for ch in s.chars() {
        if ch == '.' || ch == '#' {
            flush(kind, &mut cur, &mut c);
            kind = ch;
        } else {
            cur.push(ch);
        }
    }
    flush(kind, &mut cur, &mut c);
    c
}

fn parse_selector(s: &str) -> Option<Selector> {
    if s.contains("::") || s.contains(":before") || s.contains(":after") {
        // Generated content is not document text.
        return None;
    }
    let spaced = s.replace(['>', '+', '~'], " ");
    let chain: Vec<Compound> = spaced.split_whitespace().map(parse_compound).collect();
    if chain.is_empty() {
        return None;
    }
    let mut spec = (0, 0, 0);
    for c in &chain {
        spec.0 += c.id.is_some() as u32;
        spec.1 += c.classes.len() as u32;
        spec.2 += c.tag.is_some() as u32;
    }
    Some(Selector {
        chain,
        specificity: spec,
    })
}

pub fn parse(css: &str) -> Stylesheet {
    let mut sheet = Stylesheet::default();
    parse_into(&strip_comments(css), &mut sheet, 0);
    sheet
}

fn parse_into(css: &str, sheet: &mut Stylesheet, depth: usize) {
    for (prelude, body) in blocks(css) {
        let lower = prelude.to_ascii_lowercase();
        if lower.starts_with("@font-face") {
            let mut face = FontFace {
                family: String::new(),
                src: Vec::new(),
                weight: 400,
            };
            for (k, v) in declarations(&body) {
                match k.as_str() {
                    "font-family" => {
                        face.family = family_list(&v).into_iter().next().unwrap_or_default()
                    }
                    "src" => face.src = urls(&v),
                    "font-weight" => {
                        face.weight =
                            weight(v.split_whitespace().next().unwrap_or("")).unwrap_or(400)
                    }
                    _ => {}
                }
            }
            if !face.family.is_empty() {
                sheet.faces.push(face);
            }
        } else if lower.starts_with("@media")
            || lower.starts_with("@supports")
            || lower.starts_with("@layer")
        {
            if depth < 8 {
                parse_into(&body, sheet, depth + 1);
            }
        } else if lower.starts_with('@') {
            // @page, @keyframes, ...: no document text.
        } else {
            let selectors: Vec<Selector> = prelude
                .split(',')
                .filter_map(|s| parse_selector(s.trim()))
                .collect();
            let mut rule = StyleRule {
                selectors,
                family: None,
                weight: None,
            };
            for (k, v) in declarations(&body) {
                match k.as_str() {
                    "font-family" => rule.family = Some(family_list(&v)),
                    "font-weight" => rule.weight = weight(&v).or(rule.weight),
                    "font" => {
                        let (f, w) = font_shorthand(&v);
                        if f.is_some() {
                            rule.family = f;
                        }
                        rule.weight = Some(w.unwrap_or(400));
                    }
                    _ => {}
                }
            }
            if !rule.selectors.is_empty() && (rule.family.is_some() || rule.weight.is_some()) {
                sheet.rules.push(rule);
            }
        }
    }
}

/// The `url(...)` values of a `src` descriptor.
fn urls(v: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = v;
    while let Some(i) = rest.find("url(") {
        let after = &rest[i + 4..];
        let Some(end) = after.find(')') else { break };
        let u = after[..end].trim().trim_matches(['"', '\'']).to_string();
        out.push(u);
        rest = &after[end + 1..];
    }
    out
}

/// The files a stylesheet loads: `url()` values outside `@font-face`
/// blocks, and `@import` targets.
pub fn resource_urls(css: &str) -> Vec<String> {
    let text = strip_comments(css);
    let mut out = Vec::new();
    collect_urls(&text, &mut out, 0);
    let mut rest = text.as_str();
    while let Some(i) = rest.find("@import") {
        let after = rest[i + 7..].trim_start();
        if let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'')
            && let Some(end) = after[1..].find(q)
        {
            out.push(after[1..1 + end].to_string());
        } else if after.starts_with("url(") {
            out.extend(urls(after).into_iter().take(1));
        }
        rest = &rest[i + 7..];
    }
    out
}

fn collect_urls(css: &str, out: &mut Vec<String>, depth: usize) {
    for (prelude, body) in blocks(css) {
        let lower = prelude.to_ascii_lowercase();
        if lower.starts_with("@font-face") {
            continue;
        }
        if lower.starts_with('@') && body.contains('{') {
            if depth < 8 {
                collect_urls(&body, out, depth + 1);
            }
            continue;
        }
        out.extend(urls(&body));
    }
    // Declarations outside any block (a `style` attribute).
    if depth == 0 && !css.contains('{') {
        out.extend(urls(css));
    }
}

/// An element as the selector matcher sees it.
#[derive(Debug, Clone, Default)]
pub struct ElementKey {
    pub tag: String,
    pub classes: Vec<String>,
    pub id: Option<String>,
}

fn matches_compound(c: &Compound, e: &ElementKey) -> bool {
    !c.opaque
        && c.tag.as_ref().is_none_or(|t| *t == e.tag)
        && c.id.as_ref().is_none_or(|i| Some(i) == e.id.as_ref())
        && c.classes.iter().all(|k| e.classes.contains(k))
}

/// Does `sel` match the last of `path` (root first)?
pub fn matches(sel: &Selector, path: &[ElementKey]) -> bool {
    let Some((subject, ancestors)) = path.split_last() else {
        return false;
    };
    let Some((last, rest)) = sel.chain.split_last() else {
        return false;
    };
    if !matches_compound(last, subject) {
        return false;
    }
    // Each remaining compound must match some ancestor, in order.
    let mut i = ancestors.len();
    for c in rest.iter().rev() {
        loop {
            if i == 0 {
                return false;
            }
            i -= 1;
            if matches_compound(c, &ancestors[i]) {
                break;
            }
        }
    }
    true
}

/// Declarations of an inline `style` attribute.
pub fn inline_style(v: &str) -> (Option<Vec<String>>, Option<u16>) {
    let mut fam = None;
    let mut w = None;
    for (k, v) in declarations(v) {
        match k.as_str() {
            "font-family" => fam = Some(family_list(&v)),
            "font-weight" => w = weight(&v),
            "font" => {
                let (f, ww) = font_shorthand(&v);
                fam = f.or(fam);
                w = Some(ww.unwrap_or(400));
            }
            _ => {}
        }
    }
    (fam, w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_faces_and_rules() {
        let s = parse(
            r#"/* c */ @charset "utf-8";
            @font-face { font-family: "Body Font"; src: url("../fonts/a.otf") format("opentype"); }
            @font-face { font-family: 'Body Font'; font-weight: bold; src: url(b.otf); }
            body { font-family: "Body Font", serif; }
            h1, .t b { font-weight: 700 }
            p::before { font-family: x }
            @media screen { p.note { font: italic bold 0.9em/1.5 Other, sans-serif } }"#,
        );
        assert_eq!(s.faces.len(), 2);
        assert_eq!(s.faces[0].family, "body font");
        assert_eq!(s.faces[0].src, vec!["../fonts/a.otf"]);
        assert_eq!(s.faces[1].weight, 700);
        assert_eq!(s.rules.len(), 3);
        assert_eq!(
            s.rules[0].family.as_deref(),
            Some(&["body font".to_string(), "serif".to_string()][..])
        );
        assert_eq!(
            s.rules[2].family.as_deref(),
            Some(&["other".to_string(), "sans-serif".to_string()][..])
        );
        assert_eq!(s.rules[2].weight, Some(700));
        let key = |t: &str, c: &[&str]| ElementKey {
            tag: t.into(),
            classes: c.iter().map(|s| s.to_string()).collect(),
            id: None,
        };
        let sel = &s.rules[1].selectors[1];
        assert!(matches(
            sel,
            &[key("div", &["t"]), key("p", &[]), key("b", &[])]
        ));
        assert!(!matches(sel, &[key("div", &[]), key("b", &[])]));
    }
}
