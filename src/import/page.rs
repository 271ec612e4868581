//! Reading the structure of a newspaper page extracted from print: header
//! lines, then articles, each with optional title lines, a byline starting
//! with □, body paragraphs (column breaks repaired, see `breaks`) and an
//! author note.

use super::breaks::{self, Para, Piece};
use super::text::{
    char_count, ends_like_prose, ends_sentence, last_char, last_core_char, sentence_count,
};

/// A page's structure. Every non-whitespace character of the page is in
/// exactly one of these strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Lines before the first article's title (title, subtitle, section…).
    pub header: Vec<String>,
    pub articles: Vec<Article>,
    pub warnings: Vec<PageWarning>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Title lines joined by a space; empty when the page lost the title.
    pub title: String,
    /// Page lines of the title.
    pub title_lines: Vec<usize>,
    pub byline_mark: String,
    pub authors: Vec<String>,
    /// Role word after the names (撰, 编, 译…).
    pub role: Option<String>,
    /// 1-based line of the byline in the page.
    pub byline_line: usize,
    pub paragraphs: Vec<Para>,
    /// Column or page breaks repaired in this article.
    pub joins: Vec<breaks::Join>,
    /// The note with its parentheses, as printed.
    pub note: Option<String>,
    pub note_line: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageWarning {
    /// Stable rule id (`diag::rules`).
    pub rule: &'static str,
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError {
    pub line: usize,
    pub message: String,
}

impl Page {
    pub fn repaired_breaks(&self) -> usize {
        self.articles.iter().map(|a| a.joins.len()).sum()
    }
}

/// The byline marker of the newspaper (WHITE SQUARE).
pub const BYLINE_MARK: char = '□';

const NOTE_STARTS: &[&str] = &["作者系", "作者单位", "作者為", "作者为", "作者單位"];

/// Words after the names in a byline that say what the people did.
pub const ROLE_WORDS: &[&str] = &[
    "撰", "著", "编", "編", "编著", "編著", "译", "譯", "主编", "主編", "整理", "校注", "校註",
    "等", "编译", "編譯", "选编", "選編", "辑", "輯", "点校", "點校", "校点", "校點", "注", "註",
    "等著", "等编", "等編", "等译", "等譯",
];

/// Most articles one page may hold: each becomes a file, and a page with
/// more is a whole library, not a page.
pub const MAX_ARTICLES: usize = 2000;

/// Titles longer than this are reported for a look.
pub const TITLE_WARN_CHARS: usize = 60;

/// A third line before the first byline at most this long is the header's
/// section line; a longer one is the first article's title.
const HEADER_LINE_CHARS: usize = 12;

pub fn parse(text: &str) -> Result<Page, PageError> {
    let lines: Vec<Piece> = text
        .lines()
        .enumerate()
        .map(|(i, t)| Piece {
            line: i + 1,
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

    if let Some(&b) = bylines.get(MAX_ARTICLES) {
        return Err(PageError {
            line: lines[b].line,
            message: format!(
                "more than {MAX_ARTICLES} articles on one page (this is byline {}); split the \
                 page and import the parts into separate books",
                MAX_ARTICLES + 1
            ),
        });
    }
    let mut warnings = Vec::new();
    let mut articles = Vec::new();
    // Title lines of each article; the first one comes from the header.
    let mut titles: Vec<Vec<Piece>> = vec![Vec::new()];
    for (k, &b) in bylines.iter().enumerate() {
        let region_end = bylines.get(k + 1).copied().unwrap_or(lines.len());
        let region = &lines[b + 1..region_end];
        let split = split_region(region, k + 1 == bylines.len(), k + 1, &mut warnings);
        titles.push(split.next_title);
        let (mut paragraphs, joins, headings) = breaks::paragraphs(&split.body);
        paragraphs.extend(split.trailing.iter().map(|l| Para {
            text: l.text.to_string(),
            heading: false,
            lines: vec![l.line],
        }));
        for line in headings {
            warnings.push(PageWarning {
                rule: "import.subheading",
                line,
                message: format!(
                    "short line without punctuation before a sentence imported as a \
                     sub-heading (##) of article {}; make it a paragraph if it is not one",
                    k + 1
                ),
            });
        }
        let byline = &lines[b];
        let (authors, role) = parse_byline(byline, &mut warnings);
        articles.push(Article {
            title: String::new(),
            title_lines: Vec::new(),
            byline_mark: BYLINE_MARK.to_string(),
            authors,
            role,
            byline_line: byline.line,
            paragraphs,
            joins,
            note: split.note.as_ref().map(|n| n.text.to_string()),
            note_line: split.note.map(|n| n.line),
        });
    }

    let (header, first_title) = split_header(&lines[..first_byline], &mut warnings);
    titles[0] = first_title;
    for (k, (article, title)) in articles.iter_mut().zip(&titles).enumerate() {
        article.title = title.iter().map(|l| l.text).collect::<Vec<_>>().join(" ");
        article.title_lines = title.iter().map(|l| l.line).collect();
        check_title(k, article, &mut warnings);
    }
    warnings.sort_by_key(|w| w.line);
    Ok(Page {
        header,
        articles,
        warnings,
    })
}

fn check_title(k: usize, a: &Article, warnings: &mut Vec<PageWarning>) {
    let line = a.title_lines.first().copied().unwrap_or(a.byline_line);
    if a.title.is_empty() {
        warnings.push(PageWarning {
            rule: "import.untitled",
            line: a.byline_line,
            message: format!(
                "article {} ({}) has no title; it is imported with an empty title \
                 and the build shows a fallback until you add one",
                k + 1,
                byline_text(a)
            ),
        });
        return;
    }
    let n = char_count(&a.title);
    if a.title_lines.len() > 1 {
        warnings.push(PageWarning {
            rule: "import.title",
            line,
            message: format!(
                "title of article {} is joined from {} lines (title and subtitle)",
                k + 1,
                a.title_lines.len()
            ),
        });
    }
    if n > TITLE_WARN_CHARS {
        warnings.push(PageWarning {
            rule: "import.title",
            line,
            message: format!(
                "title of article {} is {n} characters long; check that it holds only the title",
                k + 1
            ),
        });
    } else if sentence_count(&a.title) > 1 {
        warnings.push(PageWarning {
            rule: "import.title",
            line,
            message: format!(
                "title of article {} is made of several sentences; check that it holds only \
                 the title",
                k + 1
            ),
        });
    }
}

fn byline_text(a: &Article) -> String {
    let mut s = format!("{}{}", a.byline_mark, a.authors.join(" "));
    if let Some(r) = &a.role {
        s.push(' ');
        s.push_str(r);
    }
    s
}

/// The header lines and the first article's title. The page header is
/// three lines (book title, subtitle, section), as on the seed page: with
/// four or more lines before the first byline, the last one is the title.
/// With exactly three, the first article lost its title, unless the third
/// line is longer than a header line ([`HEADER_LINE_CHARS`]); with fewer,
/// the last line is the title. Whenever the header is not three lines plus
/// a title, a warning names the line so the editor can check.
fn split_header<'a>(
    lines: &[Piece<'a>],
    warnings: &mut Vec<PageWarning>,
) -> (Vec<String>, Vec<Piece<'a>>) {
    let all = |ls: &[Piece]| ls.iter().map(|l| l.text.to_string()).collect::<Vec<_>>();
    let Some((last, rest)) = lines.split_last() else {
        return (Vec::new(), Vec::new());
    };
    if lines.len() >= 4 {
        return (all(rest), vec![last.clone()]);
    }
    if lines.len() == 3 && char_count(last.text) <= HEADER_LINE_CHARS {
        warnings.push(PageWarning {
            rule: "import.header",
            line: last.line,
            message: format!(
                "\"{}\" is read as the page header's section line, not as the title of \
                 article 1; if it is the title, move it from book.toml to 01.md",
                last.text
            ),
        });
        return (all(lines), Vec::new());
    }
    warnings.push(PageWarning {
        rule: "import.header",
        line: last.line,
        message: format!(
            "\"{}\" is read as the title of article 1 and the page header has only {} \
             line(s); if it belongs to the header, move it to book.toml",
            last.text,
            rest.len()
        ),
    });
    (all(rest), vec![last.clone()])
}

/// A region between two bylines, split.
struct Region<'a> {
    body: Vec<Piece<'a>>,
    /// Lines after the note that are no title: paragraphs of their own.
    trailing: Vec<Piece<'a>>,
    note: Option<Piece<'a>>,
    next_title: Vec<Piece<'a>>,
}

/// Splits the lines after byline `number` (1-based article number) into
/// the article's body, its note, and the next article's title lines.
fn split_region<'a>(
    region: &[Piece<'a>],
    is_last: bool,
    number: usize,
    warnings: &mut Vec<PageWarning>,
) -> Region<'a> {
    let mut end = region.len();
    let mut next_title = Vec::new();
    if !is_last {
        // The title: the line just above the next byline, unless it reads
        // as prose or is a note; with the line above it when it is a
        // subtitle (starting with a dash: `——读《孟子》札记`).
        let fits = |l: &Piece| {
            let quoted = last_char(l.text) != last_core_char(l.text);
            !ends_like_prose(l.text)
                && note_start(l.text).is_none()
                && !(ends_sentence(l.text) && (quoted || char_count(l.text) > TITLE_WARN_CHARS))
        };
        if let Some(l) = region.last().filter(|l| fits(l)) {
            next_title.push(l.clone());
            end -= 1;
            let subtitle = l.text.starts_with(['—', '－', '─']);
            if let Some(upper) = region[..end].last().filter(|u| subtitle && fits(u)) {
                next_title.insert(0, upper.clone());
                end -= 1;
            }
        }
    }
    let rest = &region[..end];
    let mut body: Vec<Piece> = rest.to_vec();
    let mut trailing = Vec::new();
    let mut note = None;
    if let Some(i) = rest.iter().rposition(|l| note_start(l.text).is_some()) {
        let after = &rest[i + 1..];
        // Prose after a note-like line: it was in mid-article, and stays
        // there (warned below).
        if !after.iter().any(|l| ends_sentence(l.text)) {
            let l = &rest[i];
            let at = note_start(l.text).unwrap_or(0);
            body = rest[..i].to_vec();
            if at > 0 {
                body.push(Piece {
                    line: l.line,
                    text: l.text[..at].trim_end(),
                });
            }
            note = Some(Piece {
                line: l.line,
                text: &l.text[at..],
            });
            for l in after {
                warnings.push(PageWarning {
                    rule: "import.note",
                    line: l.line,
                    message: format!(
                        "text after the author note of article {number} is not a title; \
                         kept as its last paragraph"
                    ),
                });
                trailing.push(l.clone());
            }
        }
    }
    for l in &body {
        if note_start(l.text).is_some() {
            warnings.push(PageWarning {
                rule: "import.note",
                line: l.line,
                message: format!(
                    "author-note-like parenthesis in the middle of article {number}; kept in \
                     the text"
                ),
            });
        }
    }
    Region {
        body,
        trailing,
        note,
        next_title,
    }
}

/// Names and role word of a byline: `□刘向 撰` → (["刘向"], Some("撰")).
fn parse_byline(byline: &Piece, warnings: &mut Vec<PageWarning>) -> (Vec<String>, Option<String>) {
    let names = &byline.text[BYLINE_MARK.len_utf8()..];
    let mut tokens: Vec<&str> = names.split_whitespace().collect();
    let role = match tokens.last() {
        Some(t) if tokens.len() > 1 && ROLE_WORDS.contains(t) => tokens.pop().map(str::to_string),
        _ => None,
    };
    for t in &tokens {
        if ROLE_WORDS.contains(t) {
            warnings.push(PageWarning {
                rule: "import.byline",
                line: byline.line,
                message: format!(
                    "byline word \"{t}\" is a role word between names; it is kept as an author \
                     name: edit the chapter's front matter if the names have different roles"
                ),
            });
        }
    }
    if tokens.is_empty() {
        warnings.push(PageWarning {
            rule: "import.byline",
            line: byline.line,
            message: "byline has no author name".into(),
        });
    }
    (tokens.into_iter().map(str::to_string).collect(), role)
}

/// Byte offset where an author note starts in `line`, if the line ends with
/// one: an opening parenthesis followed by 作者系/作者单位…, whose closing
/// parenthesis (nesting counted) is the line's last character. One
/// backward pass from that last parenthesis: linear in the line.
pub fn note_start(line: &str) -> Option<usize> {
    if !line.ends_with([')', '）']) {
        return None;
    }
    let mut depth = 0i32;
    for (i, c) in line.char_indices().rev() {
        match c {
            ')' | '）' => depth += 1,
            '(' | '（' => {
                depth -= 1;
                if depth == 0 {
                    let after = line[i + c.len_utf8()..].trim_start();
                    return NOTE_STARTS
                        .iter()
                        .any(|s| after.starts_with(s))
                        .then_some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(a: &Article) -> Vec<&str> {
        a.paragraphs.iter().map(|p| p.text.as_str()).collect()
    }

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
        let text = "头\n\n副\n\n栏\n\n标题\n\n□甲 乙\n\n一企一策，推进战略\n\n性重组。\n\n第二段。\n\n(作者系某人)\n";
        let page = parse(text).unwrap();
        assert_eq!(page.header, vec!["头", "副", "栏"]);
        let a = &page.articles[0];
        assert_eq!(a.title, "标题");
        assert_eq!(a.authors, vec!["甲", "乙"]);
        assert_eq!(texts(a), vec!["一企一策，推进战略性重组。", "第二段。"]);
        assert_eq!(a.note.as_deref(), Some("(作者系某人)"));
        assert_eq!(page.repaired_breaks(), 1);
        assert_eq!((a.joins[0].before_line, a.joins[0].after_line), (11, 13));
    }

    #[test]
    fn untitled_articles_warn_and_no_byline_fails() {
        let text = "书名\n副题\n栏目\n一个很长的文章标题在这里\n□甲\n正文。\n(作者系某人)\n□乙\n正文。\n(作者系某人)\n";
        let page = parse(text).unwrap();
        assert_eq!(page.articles[0].title, "一个很长的文章标题在这里");
        assert_eq!(page.articles[1].title, "");
        assert_eq!(page.warnings.len(), 1);
        assert_eq!(page.warnings[0].line, 8);
        assert!(parse("只有正文。\n").is_err());
        // The first article without a title: the section stays in the header.
        let text =
            "书名\n副题\n学思践悟\n□甲\n正文。\n(作者系某人)\n题二在此处较长一些\n□乙\n正文。\n";
        let page = parse(text).unwrap();
        assert_eq!(page.header, vec!["书名", "副题", "学思践悟"]);
        assert_eq!(page.articles[0].title, "");
        assert!(page.warnings.iter().any(|w| w.line == 4));
    }

    #[test]
    fn title_of_next_article_without_a_note() {
        let text = "头\n副\n栏\n题一\n□甲\n正文一。\n题二\n□乙\n正文二。\n";
        let page = parse(text).unwrap();
        assert_eq!(texts(&page.articles[0]), vec!["正文一。"]);
        assert_eq!(page.articles[1].title, "题二");
    }

    #[test]
    fn note_like_parenthesis_mid_article() {
        let text = "头\n副\n栏\n题一\n□甲\n第一段。\n(作者系某人)\n第二段。\n(作者系真人)\n题二\n□乙\n正文。\n";
        let page = parse(text).unwrap();
        let a = &page.articles[0];
        assert_eq!(texts(a), vec!["第一段。", "(作者系某人)", "第二段。"]);
        assert_eq!(a.note.as_deref(), Some("(作者系真人)"));
        assert_eq!(page.articles[1].title, "题二");
        // No real note: the parenthesis stays in the text, nothing is lost.
        let text = "头\n副\n栏\n题一\n□甲\n第一段。\n(作者系某人)\n第二段。\n题二\n□乙\n正文。\n";
        let page = parse(text).unwrap();
        assert_eq!(page.articles[0].note, None);
        assert_eq!(texts(&page.articles[0]).len(), 3);
        assert_eq!(page.articles[1].title, "题二");
    }

    #[test]
    fn text_after_note_is_not_glued_into_the_title() {
        let text = "头\n副\n栏\n题一\n□甲\n正文。\n(作者系某人)\n本文有删节，\n本版编辑 张三\n题二\n□乙\n正文。\n";
        let page = parse(text).unwrap();
        assert_eq!(page.articles[1].title, "题二");
        assert_eq!(
            texts(&page.articles[0]),
            vec!["正文。", "本文有删节，", "本版编辑 张三"]
        );
        // A last paragraph that is a quoted exclamation is no title.
        let text = "头\n副\n栏\n题一\n□甲\n子曰：「巧言令色，鮮矣仁！」\n□乙\n正文。\n";
        let page = parse(text).unwrap();
        assert_eq!(page.articles[1].title, "");
        assert_eq!(texts(&page.articles[0]).len(), 1);
        let long = "很".repeat(70);
        let text = format!("头\n副\n栏\n题一\n□甲\n正文。\n(作者系某人)\n{long}\n□乙\n正文。\n");
        let page = parse(&text).unwrap();
        assert_eq!(page.articles[1].title, long);
        assert!(
            page.warnings
                .iter()
                .any(|w| w.message.contains("70 characters"))
        );
    }

    #[test]
    fn subtitle_joins_the_title() {
        let text =
            "头\n副\n栏\n题一\n□甲\n正文。\n(作者系某人)\n论仁义\n——读《孟子》札记\n□乙\n正文。\n";
        let page = parse(text).unwrap();
        assert_eq!(page.articles[1].title, "论仁义 ——读《孟子》札记");
    }

    #[test]
    fn too_many_articles_are_refused_with_the_line() {
        let text = format!(
            "头\n副\n栏\n{}",
            "题\n□甲\n正文。\n".repeat(MAX_ARTICLES + 1)
        );
        let err = parse(&text).unwrap_err();
        assert_eq!(err.line, 4 + 3 * MAX_ARTICLES + 1);
        assert!(err.message.contains("more than 2000 articles"));
    }

    #[test]
    fn byline_roles() {
        let page = parse("头\n副\n栏\n说苑序\n□刘向 撰\n正文。\n").unwrap();
        let a = &page.articles[0];
        assert_eq!(a.authors, vec!["刘向"]);
        assert_eq!(a.role.as_deref(), Some("撰"));
        let page = parse("头\n副\n栏\n题\n□张三 李四 等\n正文。\n").unwrap();
        assert_eq!(page.articles[0].authors, vec!["张三", "李四"]);
        assert_eq!(page.articles[0].role.as_deref(), Some("等"));
    }
}
