//! Random book folders for the acceptance test: every construct an editor
//! writes (front matter with any line ends, headings, emphasis next to
//! Chinese punctuation, quotes, lists, footnotes used and unused, images
//! of every format inside and between paragraphs, raw HTML of the subset
//! with entities, code, line breaks, rules, links out and between
//! chapters, metadata of every form), with random Chinese and Latin text
//! from a seeded PRNG. A book is either good — the generator records the
//! text, links and images both editions must show — or carries one
//! planted error whose file and line it records.

use std::path::Path;

/// SplitMix64: small, seedable, the same numbers everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const HAN: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严";
const PUNCT_INNER: &[&str] = &["，", "、", "；", "："];
const PUNCT_END: &[&str] = &["。", "！", "？", "……"];
const LATIN: &[&str] = &[
    "Python",
    "EPUB",
    "PDF",
    "V2.0",
    "2024",
    "GB/T 15834",
    "Unicode",
    "ISBN",
    "CSS",
    "W3C",
];

/// What a book must show, or where its planted error is.
pub enum Expect {
    Good(Good),
    Bad {
        file: String,
        line: u32,
        words: &'static str,
    },
}

#[derive(Default)]
pub struct Good {
    /// Every character the sources show (markup left out).
    pub text: String,
    /// External URLs of the links.
    pub urls: Vec<String>,
    /// `href`s the EPUB's chapter documents must hold for book-internal links.
    pub hrefs: Vec<String>,
    /// Book-internal links.
    pub internal_links: usize,
    /// Images shown (block and inline).
    pub images: usize,
    /// Warnings the build must print (a word of each).
    pub warnings: Vec<&'static str>,
    /// `[epub] embed_fonts = false`: the EPUB relies on the reader's fonts.
    pub no_fonts: bool,
}

/// A chapter being written, line by line.
struct Chapter {
    file: String,
    id: String,
    lines: Vec<String>,
    footnotes: Vec<(String, String)>,
}

impl Chapter {
    fn line(&mut self, s: impl Into<String>) {
        self.lines.push(s.into());
    }

    fn blank(&mut self) {
        self.lines.push(String::new());
    }

    /// 1-based number of the next line written; an entry may hold line
    /// breaks of its own (a `<pre>` block).
    fn next_line(&self) -> u32 {
        let breaks: usize = self.lines.iter().map(|l| l.matches('\n').count()).sum();
        (self.lines.len() + breaks) as u32 + 1
    }
}

pub struct Gen<'r> {
    pub rng: &'r mut Rng,
    good: Good,
    image_no: usize,
}

impl Gen<'_> {
    fn han(&mut self, n: usize) -> String {
        let chars: Vec<char> = HAN.chars().collect();
        (0..n).map(|_| *self.rng.pick(&chars)).collect()
    }

    /// A run of random Chinese text with inner punctuation, a Latin word now
    /// and then, and rarely a zero-width or bidi control character.
    fn words(&mut self, n: usize) -> String {
        let mut s = String::new();
        for i in 0..n {
            let k = 2 + self.rng.below(6);
            s.push_str(&self.han(k));
            if self.rng.chance(15) {
                let w = *self.rng.pick(LATIN);
                s.push_str(w);
            }
            if self.rng.chance(4) {
                s.push(*self.rng.pick(&[
                    '\u{200B}', '\u{200D}', '\u{2060}', '\u{2066}', '\u{2069}', '\u{202A}',
                    '\u{202C}', '\u{FEFF}',
                ]));
            }
            if i + 1 < n {
                s.push_str(self.rng.pick::<&str>(PUNCT_INNER));
            }
        }
        s
    }

    fn sentence(&mut self) -> String {
        let n = 1 + self.rng.below(3);
        let mut s = self.words(n);
        s.push_str(self.rng.pick::<&str>(PUNCT_END));
        s
    }

    /// Emphasis the way Chinese editors write it; returns Markdown and the
    /// text it shows.
    fn emphasis(&mut self) -> (String, String) {
        let k = 2 + self.rng.below(4);
        let inner = self.han(k);
        let (open, close) = *self.rng.pick(&[
            ("“", "”"),
            ("《", "》"),
            ("（", "）"),
            ("「", "」"),
            ("", ""),
        ]);
        let marks = *self.rng.pick(&["*", "**", "***"]);
        let shown = format!("{open}{inner}{close}");
        (format!("{marks}{shown}{marks}"), shown)
    }

    /// A paragraph line with inline constructs; returns Markdown and shown text.
    fn inline_text(
        &mut self,
        ch: &mut Chapter,
        chapters: &[(String, String, Vec<String>)],
    ) -> (String, String) {
        let mut md = String::new();
        let mut shown = String::new();
        let parts = 1 + self.rng.below(4);
        for _ in 0..parts {
            let s = self.sentence();
            md.push_str(&s);
            shown.push_str(&s);
            match self.rng.below(12) {
                0 | 1 => {
                    let (m, t) = self.emphasis();
                    md.push_str(&m);
                    shown.push_str(&t);
                }
                2 => {
                    let code = format!("{}_{}", self.rng.pick(LATIN), self.rng.below(100));
                    md.push_str(&format!("`{code}`"));
                    shown.push_str(&code);
                }
                3 => {
                    let url = format!("https://example.org/{}", self.rng.below(1000));
                    let t = self.han(3);
                    md.push_str(&format!("[{t}]({url})"));
                    shown.push_str(&t);
                    self.good.urls.push(url);
                }
                4 if !chapters.is_empty() => {
                    let (file, id, slugs) = self.rng.pick(chapters).clone();
                    let t = self.han(3);
                    let (target, href) = if !slugs.is_empty() && self.rng.chance(60) {
                        let slug = self.rng.pick(&slugs).clone();
                        let same = id == ch.id;
                        let href = if same {
                            format!("#h-{slug}")
                        } else {
                            format!("{id}.xhtml#h-{slug}")
                        };
                        let target = if same && self.rng.chance(50) {
                            format!("#{slug}")
                        } else {
                            format!("{file}#{slug}")
                        };
                        (target, href)
                    } else {
                        let href = if id == ch.id {
                            format!("#{id}")
                        } else {
                            format!("{id}.xhtml#{id}")
                        };
                        (file.clone(), href)
                    };
                    md.push_str(&format!("[**{t}**]({target})"));
                    shown.push_str(&t);
                    self.good.hrefs.push(href);
                    self.good.internal_links += 1;
                }
                5 => {
                    let label = format!("n{}", ch.footnotes.len() + 1);
                    let note = self.sentence();
                    md.push_str(&format!("[^{label}]"));
                    shown.push_str(&note);
                    ch.footnotes.push((label, note));
                }
                6 => {
                    let (html, text) = self.inline_html();
                    md.push_str(&html);
                    shown.push_str(&text);
                }
                7 if self.rng.chance(30) => {
                    let alt = self.han(4);
                    let file = self.image();
                    md.push_str(&format!("![{alt}]({file})"));
                    shown.push_str(&alt);
                }
                8 if self.rng.chance(30) => {
                    md.push_str("[^undefined]");
                    shown.push_str("[^undefined]");
                    self.good.warnings.push("has no note");
                }
                _ => {}
            }
        }
        (md, shown)
    }

    fn inline_html(&mut self) -> (String, String) {
        let k = 2 + self.rng.below(3);
        let t = self.han(k);
        match self.rng.below(9) {
            0 => (format!("<span class=\"x\">{t}</span>"), t),
            1 => (format!("<b>{t}</b>"), t),
            2 => (format!("<em>{t}</em>"), t),
            3 => {
                let n = self.rng.below(10).to_string();
                (format!("<sup>{n}</sup>"), n)
            }
            4 => (
                format!("{t}&mdash;&hellip;&ldquo;&rdquo;&#x4E2D;&amp;"),
                format!("{t}—…“”中&"),
            ),
            5 => (
                format!("<ruby>{t}<rp>(</rp><rt>zi</rt><rp>)</rp></ruby>"),
                format!("{t}(zi)"),
            ),
            6 => (format!("<abbr title=\"{t}\">{t}</abbr>"), t),
            7 => (format!("{t}<br/>{t}"), format!("{t}{t}")),
            _ => (
                format!("<code>{t}&nbsp;</code><![CDATA[{t}]]>"),
                format!("{t}{t}"),
            ),
        }
    }

    fn image(&mut self) -> String {
        self.image_no += 1;
        self.good.images += 1;
        let ext = *self.rng.pick(&["png", "jpg", "gif", "webp", "svg"]);
        format!("images/img{}.{ext}", self.image_no)
    }
}

/// Writes the images a book's chapters name (distinct pixels for each).
fn write_images(dir: &Path, text: &str, rng: &mut Rng) {
    std::fs::create_dir_all(dir.join("images")).unwrap();
    for (i, _) in text.match_indices("(images/img") {
        let rest = &text[i + 1..];
        let name = &rest[..rest.find(')').unwrap()];
        let path = dir.join(name);
        if path.exists() {
            continue;
        }
        let (w, h) = (200 + rng.below(800) as u32, 120 + rng.below(500) as u32);
        let seed = rng.next() as u8;
        if name.ends_with(".svg") {
            let svg = format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\"><rect width=\"{w}\" height=\"{h}\" fill=\"#{seed:02x}8040\"/><circle cx=\"{}\" cy=\"{}\" r=\"40\" fill=\"#204080\"/></svg>",
                w / 2,
                h / 2
            );
            std::fs::write(&path, svg).unwrap();
            continue;
        }
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x as u8).wrapping_add(seed), (y as u8) ^ seed, 128])
        });
        let format = match name.rsplit('.').next().unwrap() {
            "png" => image::ImageFormat::Png,
            "jpg" => image::ImageFormat::Jpeg,
            "gif" => image::ImageFormat::Gif,
            _ => image::ImageFormat::WebP,
        };
        let dynamic = image::DynamicImage::ImageRgb8(img);
        let dynamic = if format == image::ImageFormat::WebP {
            image::DynamicImage::ImageRgba8(dynamic.to_rgba8())
        } else {
            dynamic
        };
        dynamic.save_with_format(&path, format).unwrap();
    }
}

/// An ISBN-13 with a right check digit, written with hyphens.
fn isbn(rng: &mut Rng) -> String {
    let mut d: Vec<u32> = vec![9, 7, 8, 7];
    for _ in 0..8 {
        d.push(rng.below(10) as u32);
    }
    let sum: u32 = d
        .iter()
        .enumerate()
        .map(|(i, x)| if i % 2 == 0 { *x } else { 3 * x })
        .sum();
    d.push((10 - sum % 10) % 10);
    let s: String = d
        .iter()
        .map(|x| char::from_digit(*x, 10).unwrap())
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &s[..3],
        &s[3..4],
        &s[4..8],
        &s[8..12],
        &s[12..]
    )
}

/// Errors that can be planted: (where, what to write, words of the message).
const BAD_BOOK_TOML: &[(&str, &str, &str)] = &[
    ("language", "language = \"klingon!!\"", "BCP 47"),
    ("date", "date = \"tomorrow\"", "W3CDTF"),
    ("isbn", "isbn = \"978-7-02-000220-8\"", "not an ISBN"),
    ("editors", "editors = [\"\"]", "is empty"),
    (
        "description",
        "description = \"坏\\u0007字\"",
        "control character",
    ),
    ("identifier", "identifier = \"\"", "is empty"),
];

const BAD_BODY: &[(&str, &str)] = &[
    ("见[此](99.md)。", "not a chapter"),
    ("见[此](#nope)。", "no heading #nope"),
    ("见[此](javascript:alert(1))。", "links are refused"),
    ("文<script>x()</script>字", "scripts are refused"),
    ("文<iframe></iframe>字", "frames"),
    ("文<span onclick=\"x()\">字</span>", "event handler"),
    ("文<span class=a>字</span>", "raw HTML"),
    ("文<span class=\"a\" class=\"b\">字</span>", "raw HTML"),
    // In Markdown text `&nope;` is literal text (CommonMark); inside raw
    // HTML it is an error.
    ("文<span title=\"&nope;\">字</span>", "not an HTML entity"),
    ("文\u{7}字", "control character"),
    (
        "[链接![图](images/none.png)](https://example.org)",
        "an image cannot be inside",
    ),
    ("文<img src=\"a.png\"/>字", "Markdown"),
    ("文<b>没有闭合", "is not closed"),
    ("文</x>字", "no matching start tag"),
];

const BAD_BLOCK: &[(&str, &str)] = &[
    ("<style>p { color: red }</style>", "style sheets"),
    ("<form><p>表</p></form>", "forms are refused"),
    (
        "<?xml version=\"1.0\"?>\n<div>文</div>",
        "processing instructions",
    ),
    ("<!DOCTYPE html>\n<div>文</div>", "DOCTYPE"),
    ("<div>\n<!-- a -- b -->\n</div>", "comment"),
    ("<div><p>段<div>块</div></p></div>", "cannot be inside"),
];

/// Writes book `n` into `dir`; returns what it must give.
pub fn book(dir: &Path, rng: &mut Rng, n: usize) -> Expect {
    std::fs::create_dir_all(dir).unwrap();
    let mut g = Gen {
        rng,
        good: Good::default(),
        image_no: 0,
    };
    let chapters = 1 + g.rng.below(3);
    // Planted error: a third of the books.
    let plant = g.rng.below(3) == 0;
    let plant_kind = g.rng.below(4);
    let plant_chapter = g.rng.below(chapters);

    // Headings first, so links can name them.
    let mut plan: Vec<(String, String, Vec<String>)> = Vec::new();
    for c in 0..chapters {
        let heads = g.rng.below(3);
        let slugs: Vec<String> = (0..heads)
            .map(|k| {
                format!(
                    "第{}节-{}{}",
                    k + 1,
                    g.han(2),
                    g.rng.pick(&["ab", "cd", "x1"])
                )
            })
            .collect();
        plan.push((format!("{:02}.md", c + 1), format!("ch{:02}", c + 1), slugs));
    }

    let mut bad: Option<Expect> = None;
    let mut all_text = String::new();
    for c in 0..chapters {
        let (file, id, slugs) = plan[c].clone();
        let mut ch = Chapter {
            file: file.clone(),
            id: id.clone(),
            lines: Vec::new(),
            footnotes: Vec::new(),
        };
        // Front matter.
        let title = if g.rng.chance(10) {
            String::new()
        } else {
            format!("{}{}", g.han(4), g.rng.pick(&["", "——", "："])) + &g.han(3)
        };
        let n_authors = g.rng.below(3);
        let mut authors: Vec<String> = Vec::new();
        for _ in 0..n_authors {
            let k = 2 + g.rng.below(2);
            authors.push(g.han(k));
        }
        ch.line("+++");
        ch.line(format!("title = \"{title}\""));
        ch.line(format!(
            "authors = [{}]",
            authors
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        let mut shown = format!("{title}{}", authors.concat());
        if !authors.is_empty() && g.rng.chance(50) {
            ch.line("byline_mark = \"□\"");
            shown.push('□');
        }
        if !authors.is_empty() && g.rng.chance(30) {
            let role = *g.rng.pick(&["撰", "编", "译", "整理"]);
            ch.line(format!("role = \"{role}\""));
            shown.push_str(role);
        }
        if g.rng.chance(50) {
            let note = format!("（作者单位：{}）", g.han(6));
            ch.line(format!("note = \"{note}\""));
            shown.push_str(&note);
        }
        ch.line("+++");
        ch.blank();
        let mut slug_iter = slugs.iter();
        let blocks = 3 + g.rng.below(10);
        for b in 0..blocks {
            if plant && plant_kind < 3 && c == plant_chapter && b == blocks / 2 && bad.is_none() {
                bad = Some(plant_body(&mut g, &mut ch, plant_kind));
                ch.blank();
                continue;
            }
            if g.rng.chance(25)
                && let Some(s) = slug_iter.next()
            {
                let level = *g.rng.pick(&["##", "###"]);
                let text = s.replace('-', " ");
                let text = text.replacen("ab", "AB", 1);
                ch.line(format!("{level} {text}"));
                ch.blank();
                shown.push_str(&text);
                continue;
            }
            let block_shown = block(&mut g, &mut ch, &plan);
            shown.push_str(&block_shown);
        }
        // Headings not placed yet are placed at the end, so every slug exists.
        for s in slug_iter {
            let text = s.replace('-', " ");
            ch.line(format!("## {text}"));
            ch.blank();
            shown.push_str(&text);
        }
        // Footnote definitions, and now and then one never referred to.
        for (label, note) in std::mem::take(&mut ch.footnotes) {
            ch.line(format!("[^{label}]: {note}"));
            ch.blank();
        }
        if g.rng.chance(15) {
            ch.line(format!("[^unused]: {}", g.sentence()));
            g.good.warnings.push("never referred to");
        }
        let mut text = ch.lines.join("\n") + "\n";
        write_images(dir, &text, g.rng);
        // Line ends and a BOM as editors' programs save them.
        match g.rng.below(4) {
            0 => text = text.replace('\n', "\r\n"),
            1 => text = text.replace('\n', "\r"),
            2 => text.insert(0, '\u{feff}'),
            _ => {}
        }
        std::fs::write(dir.join(&file), text).unwrap();
        all_text.push_str(&shown);
    }

    // book.toml
    let mut toml = String::from("[book]\n");
    let title = format!("{}{}", g.han(4), n);
    toml.push_str(&format!("title = \"{title}\"\n"));
    all_text.push_str(&title);
    let mut lines: Vec<(&str, String)> = Vec::new();
    if g.rng.chance(60) {
        let s = g.han(6);
        lines.push(("subtitle", format!("subtitle = \"{s}\"")));
        all_text.push_str(&s);
    }
    if g.rng.chance(50) {
        let s = g.han(4);
        lines.push(("section", format!("section = \"{s}\"")));
        all_text.push_str(&s);
    }
    lines.push((
        "language",
        format!(
            "language = \"{}\"",
            g.rng.pick(&["zh-CN", "zh-Hans", "zh-Hant-TW", "zh"])
        ),
    ));
    lines.push((
        "editors",
        format!("editors = [\"{}\", \"{}\"]", g.han(2), g.han(3)),
    ));
    lines.push((
        "date",
        format!(
            "date = \"{}\"",
            g.rng.pick(&[
                "2024",
                "2024-08",
                "2024-08-01",
                "2023-02-28T09:30:00+08:00",
                "2024-02-29T23:59Z"
            ])
        ),
    ));
    if g.rng.chance(50) {
        let i = isbn(g.rng);
        let i = if g.rng.chance(50) {
            i.replace('-', "")
        } else {
            i
        };
        lines.push(("isbn", format!("isbn = \"{i}\"")));
    }
    if g.rng.chance(50) {
        lines.push((
            "description",
            format!("description = \"{}\\n{}\"", g.sentence(), g.sentence()),
        ));
    }
    if g.rng.chance(50) {
        lines.push(("publisher", format!("publisher = \"{}出版社\"", g.han(2))));
    }
    if g.rng.chance(20) {
        lines.push(("enlarge_images", "enlarge_images = true".into()));
    }
    if plant && plant_kind == 3 && bad.is_none() {
        let (key, line, words) = *g.rng.pick(BAD_BOOK_TOML);
        lines.retain(|(k, _)| *k != key);
        lines.push((key, line.to_string()));
        let at = 2 + lines.len() as u32;
        bad = Some(Expect::Bad {
            file: "book.toml".into(),
            line: at,
            words,
        });
    }
    for (_, l) in &lines {
        toml.push_str(l);
        toml.push('\n');
    }
    let names: Vec<String> = plan.iter().map(|(f, _, _)| format!("\"{f}\"")).collect();
    toml.push_str(&format!("chapters = [{}]\n", names.join(", ")));
    if g.rng.chance(20) {
        toml.push_str("\n[epub]\nembed_fonts = false\n");
        g.good.no_fonts = true;
    }
    let toml = if g.rng.chance(30) {
        toml.replace('\n', "\r\n")
    } else {
        toml
    };
    std::fs::write(dir.join("book.toml"), toml).unwrap();
    match bad {
        Some(b) => b,
        None => {
            g.good.text = all_text;
            Expect::Good(g.good)
        }
    }
}

/// One block of a chapter; returns the text it shows.
fn block(g: &mut Gen, ch: &mut Chapter, plan: &[(String, String, Vec<String>)]) -> String {
    match g.rng.below(14) {
        0 => {
            let (md, shown) = g.inline_text(ch, plan);
            ch.line(format!("> {md}"));
            ch.line(">");
            let s2 = g.sentence();
            ch.line(format!("> {s2}"));
            ch.blank();
            shown + &s2
        }
        1 | 2 => {
            let ordered = g.rng.chance(50);
            let tight = g.rng.chance(50);
            let mut shown = String::new();
            for k in 0..2 + g.rng.below(3) {
                let (md, s) = g.inline_text(ch, plan);
                let marker = if ordered {
                    format!("{}.", k + 1)
                } else {
                    "-".into()
                };
                ch.line(format!("{marker} {md}"));
                shown.push_str(&s);
                if g.rng.chance(20) {
                    let s = g.sentence();
                    ch.line(format!("    - {s}"));
                    shown.push_str(&s);
                }
                if !tight {
                    ch.blank();
                }
            }
            ch.blank();
            shown
        }
        3 => {
            let alt = g.han(5);
            let file = g.image();
            ch.line(format!("![{alt}]({file})"));
            ch.blank();
            alt
        }
        4 => {
            let code = format!("fn main() {{ println!(\"{}\"); }}", g.han(3));
            ch.line("```rust");
            ch.line(&code);
            ch.line("```");
            ch.blank();
            code
        }
        5 => {
            ch.line("---");
            ch.blank();
            String::new()
        }
        6 => html_block(g, ch),
        7 => {
            let a = g.sentence();
            let b = g.sentence();
            ch.line(format!("{a}  "));
            ch.line(&b);
            ch.blank();
            a + &b
        }
        8 if g.rng.chance(10) => {
            // Highly repetitive text, as a pasted table or a test page gives.
            let unit = g.sentence();
            let times = 20_000 / unit.chars().count().max(1);
            let text = unit.repeat(times);
            ch.line(&text);
            ch.blank();
            text
        }
        _ => {
            let (md, shown) = g.inline_text(ch, plan);
            ch.line(md);
            ch.blank();
            shown
        }
    }
}

fn html_block(g: &mut Gen, ch: &mut Chapter) -> String {
    let a = g.han(4);
    let b = g.han(5);
    let c = g.han(3);
    let (lines, shown): (Vec<String>, String) = match g.rng.below(4) {
        0 => (
            vec![
                "<div class=\"box\">".into(),
                format!("<p>{a}&ldquo;<strong>{b}</strong>&rdquo;</p>"),
                format!("<p lang=\"en\">{c}&nbsp;<i>{c}</i></p>"),
                "</div>".into(),
            ],
            format!("{a}“{b}”{c}{c}"),
        ),
        1 => (
            vec![
                "<ul>".into(),
                format!("<li>{a}</li>"),
                format!("<li>{b}<sub>2</sub></li>"),
                "</ul>".into(),
            ],
            format!("{a}{b}2"),
        ),
        2 => (
            vec![
                "<table>".into(),
                format!("<tr><th>{a}</th><td>{b}</td></tr>"),
                format!("<tr><td colspan=\"2\">{c}</td></tr>"),
                "</table>".into(),
            ],
            format!("{a}{b}{c}"),
        ),
        _ => (
            vec![
                "<blockquote>".into(),
                format!("<p>{a}<br/>{b}&hellip;</p>"),
                "<!-- 编者注 -->".into(),
                format!("<pre>{c}\n  {c}</pre>"),
                "</blockquote>".into(),
            ],
            format!("{a}{b}…{c}{c}"),
        ),
    };
    for l in lines {
        ch.line(l);
    }
    ch.blank();
    shown
}

/// Writes a planted error into the chapter body.
fn plant_body(g: &mut Gen, ch: &mut Chapter, kind: usize) -> Expect {
    let file = ch.file.clone();
    match kind {
        0 | 1 => {
            let (md, words) = *g.rng.pick(BAD_BODY);
            let line = ch.next_line();
            ch.line(format!("{}{md}", g.han(3)));
            Expect::Bad { file, line, words }
        }
        _ => {
            if g.rng.chance(20) {
                let line = ch.next_line();
                let depth = 70;
                ch.line(format!("{}深", "> ".repeat(depth)));
                return Expect::Bad {
                    file,
                    line,
                    words: "more than 64",
                };
            }
            let (html, words) = *g.rng.pick(BAD_BLOCK);
            let line = ch.next_line();
            let offset = if html.starts_with("<div>\n<!--") {
                1
            } else {
                0
            };
            for l in html.lines() {
                ch.line(l);
            }
            Expect::Bad {
                file,
                line: line + offset,
                words,
            }
        }
    }
}
