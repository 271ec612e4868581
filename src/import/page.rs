//! Reading the structure of a newspaper page extracted from print: header
//! lines, then articles, each with optional title lines, a byline starting
//! with □, body paragraphs (repairing column breaks) and an author note.

/// A page's structure. Every non-whitespace character of the page is in
/// exactly one of these strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Lines before the first article's title (title, subtitle, section…).
    pub header: Vec<String>,
    pub articles: Vec<Article>,
    /// Column or page breaks repaired (two pieces joined into one paragraph).
    pub repaired_breaks: usize,
    pub warnings: Vec<PageWarning>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Title lines joined by a space; empty when the page lost the title.
    pub title: String,
    pub byline_mark: String,
    pub authors: Vec<String>,
    /// 1-based line of the byline in the page.
    pub byline_line: usize,
    pub paragraphs: Vec<String>,
    /// The note with its parentheses, as printed.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageWarning {
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError {
    pub line: usize,
    pub message: String,
}

/// The byline marker of the newspaper (WHITE SQUARE).
pub const BYLINE_MARK: char = '□';

/// Characters that end a sentence or a clause at the end of a paragraph;
/// a piece of text ending otherwise was cut by a column or page break.
const PARAGRAPH_END: &[char] = &[
    '。', '！', '？', '…', '；', '：', '”', '’', '）', '》', '」', '』', '】', '〕', '.', '!', '?',
    ';', ':', '"', '\'', ')', ']', '—',
];

const NOTE_STARTS: &[&str] = &["作者系", "作者单位", "作者为"];

/// One non-blank line of the page.
#[derive(Debug, Clone)]
struct Line<'a> {
    number: usize,
    text: &'a str,
}

pub fn parse(text: &str) -> Result<Page, PageError> {
    let lines: Vec<Line> = text
        .lines()
        .enumerate()
        .map(|(i, t)| Line {
            number: i + 1,
            text: t.trim(),
        })
        .filter(|l| !l.text.is_empty())
        .collect();
    let bylines: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.text.starts_with(BYLINE_MARK))
        .map(|(i, _)| i)
        .collect();
    let Some(&first_byline) = bylines.first() else {
        return Err(PageError {
            line: 1,
            message: format!(
                "no byline found: articles start with a line like \"{BYLINE_MARK}张三\" \
                 (author names after {BYLINE_MARK}), and this page has none"
            ),
        });
    };

    let mut page = Page {
        header: Vec::new(),
        articles: Vec::new(),
        repaired_breaks: 0,
        warnings: Vec::new(),
    };

    // The first article's title is the line just above its byline; the
    // lines before it are the page's header.
    let mut title_lines: Vec<&Line> = Vec::new();
    if first_byline > 0 {
        title_lines.push(&lines[first_byline - 1]);
        page.header = lines[..first_byline - 1]
            .iter()
            .map(|l| l.text.to_string())
            .collect();
    }

    for (k, &b) in bylines.iter().enumerate() {
        let byline = &lines[b];
        let region_end = bylines.get(k + 1).copied().unwrap_or(lines.len());
        let region = &lines[b + 1..region_end];
        let is_last = k + 1 == bylines.len();

        // Split the region into this article's body (with its note) and the
        // next article's title lines.
        let (body, note, next_title): (Vec<Line>, Option<String>, Vec<&Line>) =
            match region.iter().position(|l| note_start(l.text).is_some()) {
                Some(i) => {
                    let l = &region[i];
                    let at = note_start(l.text).unwrap();
                    let mut body: Vec<Line> = region[..i].to_vec();
                    if at > 0 {
                        body.push(Line {
                            number: l.number,
                            text: l.text[..at].trim_end(),
                        });
                    }
                    let rest: Vec<&Line> = region[i + 1..].iter().collect();
                    (body, Some(l.text[at..].to_string()), rest)
                }
                None if is_last => (region.to_vec(), None, Vec::new()),
                None => {
                    // No note: the title of the next article is the run of
                    // short, unpunctuated lines just above its byline.
                    let mut split = region.len();
                    while split > 0
                        && region.len() - split < 2
                        && looks_like_title(region[split - 1].text)
                    {
                        split -= 1;
                    }
                    (
                        region[..split].to_vec(),
                        None,
                        region[split..].iter().collect(),
                    )
                }
            };

        let (trailing, next_title) = if is_last {
            (next_title, Vec::new())
        } else {
            (Vec::new(), next_title)
        };
        let mut body = body;
        for l in &trailing {
            page.warnings.push(PageWarning {
                line: l.number,
                message: "text after the last author note; kept as a paragraph of the last article"
                    .into(),
            });
            body.push((*l).clone());
        }

        let mark_len = BYLINE_MARK.len_utf8();
        let names = &byline.text[mark_len..];
        let authors: Vec<String> = names.split_whitespace().map(str::to_string).collect();
        if authors.is_empty() {
            page.warnings.push(PageWarning {
                line: byline.number,
                message: "byline has no author name".into(),
            });
        }

        let title = title_lines
            .iter()
            .map(|l| l.text)
            .collect::<Vec<_>>()
            .join(" ");
        if title.is_empty() {
            page.warnings.push(PageWarning {
                line: byline.number,
                message: format!(
                    "article {} ({}) has no title; it is imported with an empty title \
                     and the build shows a fallback until you add one",
                    k + 1,
                    byline.text
                ),
            });
        }
        let (paragraphs, repaired) = join_broken_pieces(&body);
        page.repaired_breaks += repaired;
        page.articles.push(Article {
            title,
            byline_mark: BYLINE_MARK.to_string(),
            authors,
            byline_line: byline.number,
            paragraphs,
            note,
        });
        title_lines = next_title;
    }
    Ok(page)
}

/// Byte offset where an author note starts in `line`, if the line ends with
/// one: an opening parenthesis followed by 作者系/作者单位…, whose closing
/// parenthesis (nesting counted) is the line's last character.
fn note_start(line: &str) -> Option<usize> {
    for (i, c) in line.char_indices() {
        if c != '(' && c != '（' {
            continue;
        }
        let after = line[i + c.len_utf8()..].trim_start();
        if !NOTE_STARTS.iter().any(|s| after.starts_with(s)) {
            continue;
        }
        if closes_at_end(&line[i..]) {
            return Some(i);
        }
    }
    None
}

/// True when the parenthesis opening `s` is closed by its last character.
fn closes_at_end(s: &str) -> bool {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => {
                depth -= 1;
                if depth == 0 {
                    return i + c.len_utf8() == s.len();
                }
            }
            _ => {}
        }
    }
    false
}

fn looks_like_title(line: &str) -> bool {
    line.chars().count() <= 40 && !ends_paragraph(line)
}

fn ends_paragraph(text: &str) -> bool {
    text.trim_end()
        .chars()
        .last()
        .is_some_and(|c| PARAGRAPH_END.contains(&c))
}

/// Joins pieces cut by column breaks: a piece not ending a sentence
/// continues in the next one. Returns the paragraphs and the number of joins.
fn join_broken_pieces(pieces: &[Line]) -> (Vec<String>, usize) {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut joins = 0;
    let mut open = false;
    for piece in pieces {
        match paragraphs.last_mut() {
            Some(last) if open => {
                last.push_str(piece.text);
                joins += 1;
            }
            _ => paragraphs.push(piece.text.to_string()),
        }
        open = !ends_paragraph(piece.text);
    }
    (paragraphs, joins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_plain_nested_and_glued_notes() {
        assert_eq!(note_start("(作者系中共奉节县委书记)"), Some(0));
        assert_eq!(
            note_start("（作者单位：中共重庆市委党校(重庆行政学院)）"),
            Some(0)
        );
        let glued = "深度互融。(作者单位：重庆电力高等专科学校)";
        assert_eq!(note_start(glued), Some("深度互融。".len()));
        assert_eq!(note_start("文中(作者系某人)之后还有字"), None);
        assert_eq!(note_start("(作者系未闭合"), None);
    }

    #[test]
    fn repairs_breaks_and_splits_authors() {
        let text = "头\n\n标题\n\n□甲 乙\n\n推进战略\n\n性重组。\n\n第二段。\n\n(作者系某人)\n";
        let page = parse(text).unwrap();
        assert_eq!(page.header, vec!["头"]);
        let a = &page.articles[0];
        assert_eq!(a.title, "标题");
        assert_eq!(a.authors, vec!["甲", "乙"]);
        assert_eq!(a.paragraphs, vec!["推进战略性重组。", "第二段。"]);
        assert_eq!(a.note.as_deref(), Some("(作者系某人)"));
        assert_eq!(page.repaired_breaks, 1);
    }

    #[test]
    fn untitled_article_warns_and_no_byline_fails() {
        let text = "标题\n□甲\n正文。\n(作者系某人)\n□乙\n正文。\n(作者系某人)\n";
        let page = parse(text).unwrap();
        assert_eq!(page.articles[1].title, "");
        assert_eq!(page.warnings.len(), 1);
        assert_eq!(page.warnings[0].line, 5);
        assert!(parse("只有正文。\n").is_err());
    }

    #[test]
    fn title_of_next_article_without_a_note() {
        let text = "题一\n□甲\n正文一。\n题二\n□乙\n正文二。\n";
        let page = parse(text).unwrap();
        assert_eq!(page.articles[0].paragraphs, vec!["正文一。"]);
        assert_eq!(page.articles[1].title, "题二");
    }
}
