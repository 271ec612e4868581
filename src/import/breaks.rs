//! Turning the body pieces of an article (the non-blank lines of the page)
//! into paragraphs and sub-headings, repairing column and page breaks.
//!
//! A piece that does not end a sentence or clause was cut by a break and
//! continues in the next piece, except:
//! - a bracket left open (`（一作：`) is kept together up to its closing
//!   bracket, whatever the pieces in between end with;
//! - an opening-quote boundary is never joined: a piece ending with an
//!   opening quote before a piece starting with one (`…乎？“` + `“…`), or
//!   with a sentence mark and an opening quote (`。“`);
//! - a piece ending with `，` `：` `；` or `、` before a list item (一是…,
//!   （一）…, 1.…) ends its paragraph: the list starts there; so does a
//!   list item before the next one, whatever it ends with;
//! - a short piece without any punctuation, after a finished paragraph and
//!   before a sentence start, is a sub-heading (上篇, a speaker's name).

use super::text::{
    OPENING_QUOTES, bracket_balance, ends_paragraph, ends_sentence, last_char,
    looks_like_subheading, starts_list_item, starts_paragraph,
};

/// One non-blank line of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece<'a> {
    pub line: usize,
    pub text: &'a str,
}

/// A paragraph or sub-heading of an article body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Para {
    pub text: String,
    pub heading: bool,
    /// Page lines of its pieces, in order.
    pub lines: Vec<usize>,
}

/// Why two pieces were joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinRule {
    /// The first piece does not end a sentence or clause.
    Unfinished,
    /// A bracket opened in the paragraph closes in a later piece.
    Bracket,
}

impl JoinRule {
    pub fn describe(self) -> &'static str {
        match self {
            JoinRule::Unfinished => "no sentence or clause end before the break",
            JoinRule::Bracket => "inside brackets that close after the break",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            JoinRule::Unfinished => "unfinished",
            JoinRule::Bracket => "bracket",
        }
    }
}

/// One repaired break: the piece on `before_line` continued on `after_line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Join {
    /// Index of the paragraph in the article body.
    pub paragraph: usize,
    pub before_line: usize,
    pub after_line: usize,
    pub rule: JoinRule,
}

/// How far ahead an open bracket may close (pieces).
const BRACKET_LOOKAHEAD: usize = 8;

/// Paragraphs of a body, the breaks repaired and the lines read as headings.
pub fn paragraphs(pieces: &[Piece]) -> (Vec<Para>, Vec<Join>, Vec<usize>) {
    let mut paras: Vec<Para> = Vec::new();
    let mut joins = Vec::new();
    let mut headings = Vec::new();
    // How the last paragraph continues: `None` when it is finished.
    let mut open: Option<JoinRule> = None;
    // Bracket depth of the last paragraph, kept as pieces are added so that
    // a paragraph of many pieces costs linear time.
    let mut depth = 0i32;
    for (i, piece) in pieces.iter().enumerate() {
        let next = pieces.get(i + 1);
        let index = paras.len().saturating_sub(1);
        if let (Some(rule), Some(last)) = (open, paras.last_mut()) {
            if needs_space(&last.text, piece.text) {
                last.text.push(' ');
            }
            last.text.push_str(piece.text);
            depth += bracket_balance(piece.text);
            joins.push(Join {
                paragraph: index,
                before_line: *last.lines.last().unwrap_or(&piece.line),
                after_line: piece.line,
                rule,
            });
            last.lines.push(piece.line);
        } else if looks_like_subheading(piece.text)
            && next.is_some_and(|n| starts_paragraph(n.text))
        {
            headings.push(piece.line);
            depth = 0;
            paras.push(Para {
                text: piece.text.to_string(),
                heading: true,
                lines: vec![piece.line],
            });
            open = None;
            continue;
        } else {
            depth = bracket_balance(piece.text);
            paras.push(Para {
                text: piece.text.to_string(),
                heading: false,
                lines: vec![piece.line],
            });
        }
        let last = paras.last().map(|p| p.text.as_str()).unwrap_or("");
        open = next.and_then(|_| continues(last, depth, &pieces[i + 1..]));
    }
    (paras, joins, headings)
}

/// Whether the paragraph `text`, with brackets open by `depth`, continues
/// in `rest[0]`, and why.
fn continues(text: &str, depth: i32, rest: &[Piece]) -> Option<JoinRule> {
    let next = rest.first()?.text;
    if depth > 0 && closes_within(depth, rest) {
        return Some(JoinRule::Bracket);
    }
    let last = last_char(text)?;
    if OPENING_QUOTES.contains(&last) {
        let before = text.trim_end().trim_end_matches(OPENING_QUOTES);
        let next_opens = next
            .chars()
            .next()
            .is_some_and(|c| OPENING_QUOTES.contains(&c));
        // `乎？“` is a closing quote set the wrong way round, and `““` is
        // never meant: both end the paragraph.
        if next_opens || ends_sentence(before) {
            return None;
        }
        return Some(JoinRule::Unfinished);
    }
    if starts_list_item(next)
        && (matches!(last, '，' | '：' | '；' | '、' | ',' | ':' | ';') || starts_list_item(text))
    {
        return None;
    }
    if ends_paragraph(text) {
        return None;
    }
    Some(JoinRule::Unfinished)
}

/// True when brackets open by `depth` are closed within the next pieces.
fn closes_within(mut depth: i32, rest: &[Piece]) -> bool {
    for p in rest.iter().take(BRACKET_LOOKAHEAD) {
        depth += bracket_balance(p.text);
        if depth <= 0 {
            return true;
        }
    }
    false
}

/// Latin words on both sides of a break are separate words.
fn needs_space(before: &str, after: &str) -> bool {
    last_char(before).is_some_and(|c| c.is_ascii_alphanumeric())
        && after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lines: &[&str]) -> (Vec<String>, Vec<(usize, usize)>) {
        let pieces: Vec<Piece> = lines
            .iter()
            .enumerate()
            .map(|(i, t)| Piece {
                line: i + 1,
                text: t,
            })
            .collect();
        let (paras, joins, _) = paragraphs(&pieces);
        let texts = paras
            .iter()
            .map(|p| {
                if p.heading {
                    format!("## {}", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect();
        (
            texts,
            joins
                .iter()
                .map(|j| (j.before_line, j.after_line))
                .collect(),
        )
    }

    #[test]
    fn column_break_joined_and_listed() {
        let (p, j) = run(&["“一企一策”明确主营业务，推进战略", "性重组。", "第二段。"]);
        assert_eq!(
            p,
            vec!["“一企一策”明确主营业务，推进战略性重组。", "第二段。"]
        );
        assert_eq!(j, vec![(1, 2)]);
    }

    #[test]
    fn brackets_kept_together() {
        let (p, j) = run(&["其文曰（遠", "一作：", "近）云云。", "次段。"]);
        assert_eq!(p, vec!["其文曰（遠一作：近）云云。", "次段。"]);
        assert_eq!(j, vec![(1, 2), (2, 3)]);
        // A bracket that never closes does not swallow the article.
        let (p, _) = run(&["甲（乙。", "丙。", "丁。"]);
        assert_eq!(p.len(), 3);
    }

    #[test]
    fn opening_quotes_are_boundaries() {
        let (p, _) = run(&["不亦說乎？“", "“有朋自遠方來。”"]);
        assert_eq!(p.len(), 2);
        let (p, _) = run(&["他说：“", "我们走。”"]);
        assert_eq!(p, vec!["他说：“我们走。”"]);
    }

    #[test]
    fn lists_after_comma_or_colon() {
        let (p, _) = run(&["主要有以下几点，", "一是加强领导。", "二是完善制度。"]);
        assert_eq!(p.len(), 3);
        let (p, _) = run(&["要点如下：", "一是加强领导", "二是完善制度"]);
        assert_eq!(p.len(), 3);
        let (p, _) = run(&["我们要坚持，", "并且发展。"]);
        assert_eq!(p, vec!["我们要坚持，并且发展。"]);
    }

    #[test]
    fn subheadings() {
        let (p, j) = run(&["上篇", "孟子見梁惠王。", "下篇", "“王何必曰利？”", "末段"]);
        assert_eq!(
            p,
            vec![
                "## 上篇",
                "孟子見梁惠王。",
                "## 下篇",
                "“王何必曰利？”",
                "末段"
            ]
        );
        assert!(j.is_empty());
        // A cut piece after an unfinished paragraph is not a heading.
        let (p, _) = run(&["明确主营业务，推进战略", "性重组", "和运营。"]);
        assert_eq!(p, vec!["明确主营业务，推进战略性重组和运营。"]);
    }
}
