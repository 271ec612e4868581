//! The hostile and broken inputs, generated: each case lays out a book
//! folder (or an import page) beside a folder of secret files, names the
//! command to run and what must come of it. The classes follow the
//! promises of the README: confinement of every file the book names,
//! output only into --out, regular files only, limits on nesting, pixels,
//! numbers and sizes, positioned messages, both editions or neither, and
//! imports that replace nothing.

use std::path::{Path, PathBuf};

use super::files::{self, MARK};

/// The folders of one case, all inside its own temporary folder.
pub struct Env {
    pub root: PathBuf,
    pub book: PathBuf,
    pub secret: PathBuf,
    pub out: PathBuf,
}

impl Env {
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    /// A symlink at `rel` (under the case folder) pointing at `target`.
    pub fn link(&self, rel: &str, target: impl AsRef<Path>) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, p).unwrap();
    }

    pub fn fifo(&self, rel: &str) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let ok = std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .unwrap();
        assert!(ok.success(), "mkfifo {}", p.display());
    }

    /// A Unix socket file (its listener is dropped; the file stays).
    pub fn socket(&self, rel: &str) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        drop(std::os::unix::net::UnixListener::bind(&p).unwrap());
    }

    pub fn dir(&self, rel: &str) {
        std::fs::create_dir_all(self.root.join(rel)).unwrap();
    }

    /// A sparse file of `len` bytes: huge, yet costs nothing to make.
    pub fn sparse(&self, rel: &str, len: u64) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let f = std::fs::File::create(p).unwrap();
        f.set_len(len).unwrap();
    }

    pub fn abs(&self, rel: &str) -> String {
        self.root.join(rel).display().to_string()
    }

    /// Replaces `book/book.toml` with the base file plus `book_keys` in
    /// `[book]` (from line 4 on) and `tables` after it.
    pub fn toml(&self, book_keys: &str, tables: &str) {
        self.write("book/book.toml", toml(book_keys, tables));
    }

    pub fn chapter(&self, body: &str) {
        self.write("book/01.md", chapter(body));
    }

    /// Plants the secrets and a small valid book.
    pub fn plant(&self) {
        self.write(
            "secret/passwd.txt",
            format!("root:x:0:0:{MARK}:/root:/bin/sh\n"),
        );
        self.write("secret/pic.png", files::secret_png());
        self.write("secret/photo.jpg", files::secret_jpeg());
        self.write("secret/draw.svg", files::secret_svg());
        self.write("secret/dir/pic.png", files::secret_png());
        self.write(
            "secret/chapter.md",
            format!("+++\ntitle = \"秘密\"\n+++\n\n{MARK}\n"),
        );
        self.write(
            "secret/book.toml",
            format!("[book]\ntitle = \"{MARK}\"\nchapters = [\"01.md\"]\n"),
        );
        self.write("secret/font.otf", format!("OTTO{MARK}"));
        self.toml("", "");
        self.chapter("正文。\n");
    }
}

/// The base `book.toml`: `[book]` on line 1, keys added from line 4.
pub fn toml(book_keys: &str, tables: &str) -> String {
    format!(
        "[book]\ntitle = \"测试之书\"\nchapters = [\"01.md\"]\n{book_keys}{}{tables}",
        if book_keys.is_empty() || book_keys.ends_with('\n') {
            ""
        } else {
            "\n"
        }
    )
}

/// A chapter whose body starts on line 5.
pub fn chapter(body: &str) -> String {
    format!("+++\ntitle = \"第一篇\"\n+++\n\n{body}")
}

pub type Setup = Box<dyn Fn(&Env) + Send + Sync>;

/// What to run, with paths relative to the case folder.
#[derive(Clone, Debug)]
pub enum Run {
    /// `build --book book --out out`.
    Build,
    /// `build --book BOOK --out out`.
    BuildBook(String),
    /// `import PAGE --into INTO`, with `--force` when set.
    Import {
        page: String,
        into: String,
        force: bool,
    },
}

#[derive(Clone, Debug)]
pub enum Expect {
    /// Exit 1 with an error at `file` (a path ending), `line` and
    /// `column` (any column when `None`) whose message holds `words`.
    Fail {
        file: String,
        line: u32,
        column: Option<u32>,
        words: String,
    },
    /// Exit 1 with an error about the whole file `file` holding `words`.
    FailFile { file: String, words: String },
    /// Exit 0: the editions (or imported files) are written.
    Ok,
}

pub struct Case {
    pub class: &'static str,
    pub name: String,
    pub setup: Setup,
    pub run: Run,
    pub expect: Expect,
}

fn fail(file: &str, line: u32, column: Option<u32>, words: &str) -> Expect {
    Expect::Fail {
        file: file.into(),
        line,
        column,
        words: words.into(),
    }
}

fn fail_file(file: &str, words: &str) -> Expect {
    Expect::FailFile {
        file: file.into(),
        words: words.into(),
    }
}

struct Cases(Vec<Case>);

impl Cases {
    fn add(
        &mut self,
        class: &'static str,
        name: impl Into<String>,
        setup: impl Fn(&Env) + Send + Sync + 'static,
        expect: Expect,
    ) {
        self.add_run(class, name, setup, Run::Build, expect);
    }

    fn add_run(
        &mut self,
        class: &'static str,
        name: impl Into<String>,
        setup: impl Fn(&Env) + Send + Sync + 'static,
        run: Run,
        expect: Expect,
    ) {
        self.0.push(Case {
            class,
            name: name.into(),
            setup: Box::new(setup),
            run,
            expect,
        });
    }
}

/// Every case of the suite.
pub fn all() -> Vec<Case> {
    let mut c = Cases(Vec::new());
    confinement(&mut c);
    fonts(&mut c);
    slugs(&mut c);
    special_files(&mut c);
    nesting(&mut c);
    images(&mut c);
    numbers(&mut c);
    sizes(&mut c);
    encoding(&mut c);
    controls(&mut c);
    dates(&mut c);
    output(&mut c);
    import(&mut c);
    c.0
}

/// How a path outside the book is written in a case.
#[derive(Clone, Copy, Debug)]
enum Outside {
    /// `../secret/NAME`
    Relative,
    /// `/…/secret/NAME`
    Absolute,
    /// `/…/secret/missing-NAME`: must get the same message as Absolute.
    AbsoluteMissing,
    /// `sub/../../secret/NAME`
    Climbing,
    /// a symlink `book/link-NAME` to the secret file
    Symlink,
    /// a symlink to a symlink to the secret file
    SymlinkChain,
    /// `outdir/NAME`, where `book/outdir` links to the secret folder
    SymlinkedFolder,
}

const OUTSIDE: [Outside; 7] = [
    Outside::Relative,
    Outside::Absolute,
    Outside::AbsoluteMissing,
    Outside::Climbing,
    Outside::Symlink,
    Outside::SymlinkChain,
    Outside::SymlinkedFolder,
];

/// Lays out the way to reach `secret/NAME` and returns the path to write
/// in the book.
fn reach(env: &Env, how: Outside, name: &str) -> String {
    match how {
        Outside::Relative => format!("../secret/{name}"),
        Outside::Absolute => env.abs(&format!("secret/{name}")),
        Outside::AbsoluteMissing => env.abs(&format!("secret/missing-{name}")),
        Outside::Climbing => format!("sub/../../secret/{name}"),
        Outside::Symlink => {
            env.link(&format!("book/link-{name}"), env.secret.join(name));
            format!("link-{name}")
        }
        Outside::SymlinkChain => {
            env.link(&format!("book/hop-{name}"), env.secret.join(name));
            env.link(
                &format!("book/link-{name}"),
                env.book.join(format!("hop-{name}")),
            );
            format!("link-{name}")
        }
        Outside::SymlinkedFolder => {
            env.link("book/outdir", &env.secret);
            format!("outdir/{name}")
        }
    }
}

fn confinement(c: &mut Cases) {
    const CLASS: &str = "confinement";
    for how in OUTSIDE {
        // Chapters listed in book.toml.
        c.add(
            CLASS,
            format!("chapter {how:?}"),
            move |e| {
                let p = reach(e, how, "chapter.md");
                e.toml("", "");
                e.write(
                    "book/book.toml",
                    toml("", "").replace("\"01.md\"", &format!("{p:?}")),
                );
            },
            fail("book.toml", 3, Some(13), "book folder"),
        );
        // The cover, by each way out, as a PNG, a JPEG and an SVG.
        for name in ["pic.png", "draw.svg"] {
            c.add(
                CLASS,
                format!("cover {name} {how:?}"),
                move |e| {
                    let p = reach(e, how, name);
                    e.toml(&format!("cover = {p:?}"), "");
                },
                fail(
                    "book.toml",
                    4,
                    Some(9),
                    "is not a file inside the book folder",
                ),
            );
        }
        // Body images, in a paragraph of their own, inside text, in a
        // list, a quote and a footnote.
        for (place, body) in [
            ("figure", "![图](P)\n"),
            ("inline", "文字![图](P)文字\n"),
            ("list", "- ![图](P)\n"),
            ("quote", "> ![图](P)\n"),
        ] {
            // Every format as a figure; the other places with a PNG.
            let names: &[&str] = if place == "figure" {
                &["pic.png", "photo.jpg", "draw.svg"]
            } else {
                &["pic.png"]
            };
            for &name in names {
                let column = if place == "figure" { 1 } else { 3 };
                c.add(
                    CLASS,
                    format!("image {place} {name} {how:?}"),
                    move |e| {
                        let p = reach(e, how, name);
                        e.chapter(&body.replace('P', &p));
                    },
                    fail("01.md", 5, Some(column), "book folder"),
                );
            }
        }
    }
    // Links to files outside the book.
    for target in ["../secret/chapter.md", "/etc/passwd", "file:///etc/passwd"] {
        c.add(
            CLASS,
            format!("link {target}"),
            move |e| e.chapter(&format!("见[此处]({target})。\n")),
            fail("01.md", 5, None, ""),
        );
    }
    // Raw HTML and SVG that would pull in other files.
    c.add(
        CLASS,
        "svg image element to a secret",
        |e| {
            e.write(
                "book/a.svg",
                format!(
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"10\" height=\"10\"><image xlink:href=\"{}\" width=\"10\" height=\"10\"/></svg>",
                    e.abs("secret/pic.png")
                ),
            );
            e.chapter("![图](a.svg)\n");
        },
        fail("01.md", 5, Some(1), "a.svg"),
    );
    c.add(
        CLASS,
        "svg external entity",
        |e| {
            e.write(
                "book/a.svg",
                format!(
                    "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x SYSTEM \"file://{}\">]><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><text>&x;</text></svg>",
                    e.abs("secret/passwd.txt")
                ),
            );
            e.chapter("![图](a.svg)\n");
        },
        fail("01.md", 5, Some(1), "a.svg"),
    );
    c.add(
        CLASS,
        "raw html img to a secret",
        |e| {
            e.chapter(&format!(
                "<p><img src=\"{}\"/></p>\n",
                e.abs("secret/pic.png")
            ))
        },
        fail("01.md", 5, None, "img"),
    );
    // A style is a name, never a file.
    for style in ["../secret/passwd.txt", "/etc/passwd", "book.css"] {
        c.add(
            CLASS,
            format!("style {style}"),
            move |e| e.toml(&format!("style = {style:?}"), ""),
            fail("book.toml", 4, Some(9), "unknown style"),
        );
    }
    // book.toml itself may not lead out of the book.
    c.add(
        CLASS,
        "book.toml symlink to a secret",
        |e| {
            std::fs::remove_file(e.book.join("book.toml")).unwrap();
            e.link("book/book.toml", e.secret.join("book.toml"));
        },
        fail_file("book.toml", "not a file inside the book folder"),
    );
    // Inside the book, symlinks are fine.
    c.add(
        CLASS,
        "image symlink inside the book",
        |e| {
            e.write("book/img/real.png", files::plain_png(200, 100));
            e.link("book/alias.png", e.book.join("img/real.png"));
            e.chapter("![图](alias.png)\n");
        },
        Expect::Ok,
    );
    c.add(
        CLASS,
        "chapter symlink inside the book",
        |e| {
            e.write("book/text/real.md", chapter("正文。\n"));
            std::fs::remove_file(e.book.join("01.md")).unwrap();
            e.link("book/01.md", "text/real.md");
        },
        Expect::Ok,
    );
    c.add(
        CLASS,
        "cover symlink inside the book",
        |e| {
            e.write("book/img/c.png", files::plain_png(60, 90));
            e.link("book/cover.png", "img/c.png");
            e.toml("cover = \"cover.png\"", "");
        },
        Expect::Ok,
    );
    // Dangling and looping links.
    c.add(
        CLASS,
        "image dangling symlink",
        |e| {
            e.link("book/gone.png", e.book.join("nothing.png"));
            e.chapter("![图](gone.png)\n");
        },
        fail("01.md", 5, Some(1), "gone.png"),
    );
    c.add(
        CLASS,
        "image symlink loop",
        |e| {
            e.link("book/a.png", e.book.join("b.png"));
            e.link("book/b.png", e.book.join("a.png"));
            e.chapter("![图](a.png)\n");
        },
        fail("01.md", 5, Some(1), "a.png"),
    );
    c.add(
        CLASS,
        "chapter symlink loop",
        |e| {
            std::fs::remove_file(e.book.join("01.md")).unwrap();
            e.link("book/01.md", e.book.join("02.md"));
            e.link("book/02.md", e.book.join("01.md"));
        },
        fail("book.toml", 3, Some(13), "01.md"),
    );
}

fn fonts(c: &mut Cases) {
    const CLASS: &str = "fonts";
    let bundled = || {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("fonts/NotoSerifCJKsc-Regular.otf")
            .display()
            .to_string()
    };
    for how in [
        Outside::Relative,
        Outside::Climbing,
        Outside::Symlink,
        Outside::SymlinkChain,
        Outside::SymlinkedFolder,
    ] {
        for key in ["regular", "bold"] {
            c.add(
                CLASS,
                format!("font {key} {how:?}"),
                move |e| {
                    let p = reach(e, how, "font.otf");
                    e.toml("", &format!("[fonts]\n{key} = {{ path = {p:?} }}\n"));
                },
                fail("book.toml", 5, None, "font"),
            );
        }
    }
    // An absolute path is a system font: allowed, even through a link.
    c.add(
        CLASS,
        "absolute font path",
        move |e| {
            e.toml(
                "",
                &format!("[fonts]\nregular = {{ path = {:?} }}\n", bundled()),
            )
        },
        Expect::Ok,
    );
    c.add(
        CLASS,
        "absolute font path through a symlink",
        move |e| {
            e.link("secret/fontlink.otf", bundled());
            let p = e.abs("secret/fontlink.otf");
            e.toml("", &format!("[fonts]\nregular = {{ path = {p:?} }}\n"));
        },
        Expect::Ok,
    );
    c.add(
        CLASS,
        "relative font inside the book through a symlink",
        move |e| {
            e.dir("book/fonts");
            std::fs::copy(bundled(), e.book.join("fonts/real.otf")).unwrap();
            e.link("book/fonts/f.otf", "real.otf");
            e.toml("", "[fonts]\nregular = { path = \"fonts/f.otf\" }\n");
        },
        Expect::Ok,
    );
    for (name, make) in [
        ("fifo", 0),
        ("folder", 1),
        ("socket", 2),
        ("dev-zero", 3),
        ("dev-null", 4),
    ] {
        c.add(
            CLASS,
            format!("font is a {name}"),
            move |e| {
                let p = match make {
                    0 => {
                        e.fifo("book/f.otf");
                        "f.otf".to_string()
                    }
                    1 => {
                        e.dir("book/f.otf");
                        "f.otf".to_string()
                    }
                    2 => {
                        e.socket("book/f.otf");
                        "f.otf".to_string()
                    }
                    3 => "/dev/zero".to_string(),
                    _ => "/dev/null".to_string(),
                };
                e.toml("", &format!("[fonts]\nregular = {{ path = {p:?} }}\n"));
            },
            fail("book.toml", 5, None, "regular file"),
        );
    }
    c.add(
        CLASS,
        "font missing inside the book",
        |e| e.toml("", "[fonts]\nbold = { path = \"none.otf\" }\n"),
        fail("book.toml", 5, None, "not found"),
    );
    c.add(
        CLASS,
        "font is not a font",
        |e| {
            e.write("book/f.otf", "just text");
            e.toml("", "[fonts]\nbold = { path = \"f.otf\" }\n");
        },
        fail("book.toml", 5, None, "not a usable"),
    );
    c.add(
        CLASS,
        "font and cover and chapter problems together",
        |e| {
            e.toml(
                "cover = \"nocover.png\"",
                "[fonts]\nbold = { path = \"none.otf\" }\n",
            );
            e.chapter("![图](../x.png)\n");
        },
        // The chapter's problem; the runner checks all three are there.
        fail("01.md", 5, Some(1), "leaves the book folder"),
    );
}

fn slugs(c: &mut Cases) {
    const CLASS: &str = "slug";
    let bad = [
        "../escaped",
        "..",
        ".",
        "",
        "a/b",
        ".hidden",
        "a\\\\b",
        "a b",
        "名字/../x",
        "~root",
        "a\\u2215b",
        "x\\u0000y",
        "tab\\there",
        "line\\nbreak",
        "$(touch pwned)",
        "*",
        "a:b",
    ];
    for slug in bad {
        c.add(
            CLASS,
            format!("slug {slug}"),
            move |e| e.toml(&format!("slug = \"{slug}\""), ""),
            fail("book.toml", 4, Some(8), "not a file stem"),
        );
    }
    c.add(
        CLASS,
        "slug absolute",
        |e| e.toml(&format!("slug = {:?}", e.abs("abs/escaped")), ""),
        fail("book.toml", 4, Some(8), "not a file stem"),
    );
    c.add(
        CLASS,
        "slug 101 characters",
        |e| e.toml(&format!("slug = \"{}\"", "字".repeat(101)), ""),
        fail("book.toml", 4, Some(8), "not a file stem"),
    );
    c.add(
        CLASS,
        "slug not a string",
        |e| e.toml("slug = 5", ""),
        fail("book.toml", 4, Some(8), "string"),
    );
    c.add(
        CLASS,
        "slug Chinese",
        |e| e.toml("slug = \"学习-笔记_1.0\"", ""),
        Expect::Ok,
    );
}

/// Ways a name can be something other than a regular file.
const KINDS: [&str; 6] = [
    "fifo",
    "folder",
    "socket",
    "dev-zero",
    "dev-null",
    "dev-urandom",
];

/// Makes `rel` (under the case folder) one of [`KINDS`]; devices are
/// reached through a symlink.
fn make_kind(e: &Env, rel: &str, kind: &str) {
    let p = e.root.join(rel);
    if p.symlink_metadata().is_ok() {
        std::fs::remove_file(&p).unwrap();
    }
    match kind {
        "fifo" => e.fifo(rel),
        "folder" => e.dir(rel),
        "socket" => e.socket(rel),
        dev => e.link(rel, format!("/dev/{}", &dev[4..])),
    }
}

fn special_files(c: &mut Cases) {
    const CLASS: &str = "not a regular file";
    for kind in KINDS {
        c.add(
            CLASS,
            format!("book.toml {kind}"),
            move |e| make_kind(e, "book/book.toml", kind),
            fail_file("book.toml", ""),
        );
        c.add(
            CLASS,
            format!("chapter {kind}"),
            move |e| make_kind(e, "book/01.md", kind),
            fail("book.toml", 3, Some(13), "01.md"),
        );
        c.add(
            CLASS,
            format!("image {kind}"),
            move |e| {
                make_kind(e, "book/a.png", kind);
                e.chapter("![图](a.png)\n");
            },
            fail("01.md", 5, Some(1), "a.png"),
        );
        c.add(
            CLASS,
            format!("cover {kind}"),
            move |e| {
                make_kind(e, "book/c.png", kind);
                e.toml("cover = \"c.png\"", "");
            },
            fail("book.toml", 4, Some(9), "c.png"),
        );
        c.add_run(
            CLASS,
            format!("import page {kind}"),
            move |e| make_kind(e, "page.txt", kind),
            Run::Import {
                page: "page.txt".into(),
                into: "imported".into(),
                force: false,
            },
            fail_file("page.txt", ""),
        );
    }
    c.add(
        CLASS,
        "chapter is the book folder",
        |e| e.write("book/book.toml", toml("", "").replace("\"01.md\"", "\"\"")),
        fail("book.toml", 3, Some(13), ""),
    );
    c.add(
        CLASS,
        "chapter is a dot",
        |e| e.write("book/book.toml", toml("", "").replace("\"01.md\"", "\".\"")),
        fail("book.toml", 3, Some(13), ""),
    );
    c.add_run(
        CLASS,
        "book folder is a file",
        |e| e.write("notabook", "text"),
        Run::BuildBook("notabook".into()),
        fail_file("book.toml", ""),
    );
    c.add_run(
        CLASS,
        "book folder is a fifo",
        |e| e.fifo("fifobook"),
        Run::BuildBook("fifobook".into()),
        fail_file("book.toml", ""),
    );
}

/// Text of a given depth or size.
type MakeText = fn(usize) -> String;
/// A file's bytes.
type MakeBytes = fn() -> Vec<u8>;

fn nesting(c: &mut Cases) {
    const CLASS: &str = "nesting";
    let deep: [(&str, MakeText); 9] = [
        ("quotes", |n| format!("{}深\n", "> ".repeat(n))),
        ("quotes tight", |n| format!("{}深\n", ">".repeat(n))),
        ("lists", |n| format!("{}深\n", "- ".repeat(n))),
        ("ordered lists", |n| format!("{}深\n", "1. ".repeat(n))),
        ("emphasis", |n| {
            format!("{}深{}\n", "*".repeat(n), "*".repeat(n))
        }),
        ("strong and emphasis", |n| {
            format!("{}深{}\n", "**_".repeat(n), "_**".repeat(n))
        }),
        ("links", |n| {
            format!("{}深{}\n", "[".repeat(n), "](https://a.cn)".repeat(n))
        }),
        ("html spans", |n| {
            format!("文{}深{}\n", "<span>".repeat(n), "</span>".repeat(n))
        }),
        ("quote list mix", |n| format!("{}深\n", "> - ".repeat(n))),
    ];
    for (name, make) in deep {
        for n in [65, 20_000, 100_000] {
            // Text that long is no hostile case but a large paragraph
            // (the benchmark's business): 20,000 levels show the point.
            if n == 100_000 && matches!(name, "strong and emphasis" | "links") {
                continue;
            }
            // Links and strong emphasis that deep are mostly text to
            // CommonMark; they must only end without a crash or a hang.
            // (65 asterisks nest only half as deep.)
            let expect = match name {
                "strong and emphasis" | "links" if n > 64 => Expect::Ok,
                "emphasis" if n == 65 => Expect::Ok,
                _ => fail("01.md", 5, None, "64 levels"),
            };
            c.add(
                CLASS,
                format!("{name} {n}"),
                move |e| e.chapter(&make(n)),
                expect,
            );
        }
        c.add(
            CLASS,
            format!("{name} 20"),
            move |e| e.chapter(&make(20)),
            Expect::Ok,
        );
    }
    c.add(
        CLASS,
        "html block divs 5000",
        |e| {
            e.chapter(&format!(
                "<div>{}深{}</div>\n",
                "<div>".repeat(5000),
                "</div>".repeat(5000)
            ))
        },
        fail("01.md", 5, None, "nested more than"),
    );
    c.add(
        CLASS,
        "footnote inside deep quotes",
        |e| e.chapter(&format!("正文[^1]\n\n{}[^1]: 注\n", "> ".repeat(300))),
        fail("01.md", 7, None, ""),
    );
    c.add(
        CLASS,
        "many unclosed brackets",
        |e| e.chapter(&format!("{}\n", "[".repeat(200_000))),
        Expect::Ok,
    );
    c.add(
        CLASS,
        "many backticks",
        |e| e.chapter(&format!("{}文\n", "`".repeat(100_000))),
        Expect::Ok,
    );
}

fn images(c: &mut Cases) {
    const CLASS: &str = "images";
    let lying: [(&str, MakeBytes); 10] = [
        ("png 100000x100000", || {
            files::lying_png(100_000, 100_000, 16)
        }),
        ("png 30000x30000 bomb", || {
            files::lying_png(30_000, 30_000, 4 << 20)
        }),
        ("png 1x4000000000", || {
            files::lying_png(1, 4_000_000_000, 16)
        }),
        ("png 0x0", || files::lying_png(0, 0, 16)),
        ("png 8000x7000", || files::lying_png(8000, 7000, 64)),
        ("jpeg 65535x65535", || files::lying_jpeg(65535, 65535)),
        ("jpeg 0x0", || files::lying_jpeg(0, 0)),
        ("gif 65535x65535", || files::lying_gif(65535, 65535)),
        ("webp 16777216x16777216", || {
            files::lying_webp(16_777_216, 16_777_216)
        }),
        ("webp 10000x10000", || files::lying_webp(10_000, 10_000)),
    ];
    for (name, make) in lying {
        c.add(
            CLASS,
            format!("body {name}"),
            move |e| {
                e.write("book/a.img", make());
                e.chapter("![图](a.img)\n");
            },
            fail("01.md", 5, Some(1), "a.img"),
        );
        c.add(
            CLASS,
            format!("cover {name}"),
            move |e| {
                e.write("book/c.img", make());
                e.toml("cover = \"c.img\"", "");
            },
            fail("book.toml", 4, Some(9), "c.img"),
        );
    }
    let broken: [(&str, MakeBytes); 8] = [
        ("truncated png", || files::plain_png(50, 50)[..60].to_vec()),
        ("empty file", Vec::new),
        ("text named png", || b"not an image".to_vec()),
        ("png signature only", || b"\x89PNG\r\n\x1a\n".to_vec()),
        ("jpeg soi only", || vec![0xFF, 0xD8, 0xFF]),
        ("gif header only", || b"GIF89a".to_vec()),
        ("riff webp without chunks", || {
            b"RIFF\x04\0\0\0WEBP".to_vec()
        }),
        ("svg with no size", || {
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"0\" height=\"0\"/>".to_vec()
        }),
    ];
    for (name, make) in broken {
        c.add(
            CLASS,
            format!("body {name}"),
            move |e| {
                e.write("book/a.png", make());
                e.chapter("![图](a.png)\n");
            },
            fail("01.md", 5, Some(1), "a.png"),
        );
    }
    c.add(
        CLASS,
        "svg of a huge size is shrunk to the text block",
        |e| {
            e.write(
                "book/a.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1e30\" height=\"1e30\"/>",
            );
            e.chapter("![图](a.svg)\n");
        },
        Expect::Ok,
    );
    c.add(
        CLASS,
        "svg billion laughs",
        |e| {
            let mut dtd = String::from("<!ENTITY a0 \"lol\">");
            for i in 1..10 {
                let prev = format!("&a{};", i - 1).repeat(10);
                dtd.push_str(&format!("<!ENTITY a{i} \"{prev}\">"));
            }
            e.write(
                "book/a.svg",
                format!(
                    "<?xml version=\"1.0\"?><!DOCTYPE svg [{dtd}]><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><text>&a9;</text></svg>"
                ),
            );
            e.chapter("![图](a.svg)\n");
        },
        fail("01.md", 5, Some(1), "a.svg"),
    );
    c.add(
        CLASS,
        "svg nested groups 100000",
        |e| {
            e.write(
                "book/a.svg",
                format!(
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">{}<rect width=\"1\" height=\"1\"/>{}</svg>",
                    "<g>".repeat(100_000),
                    "</g>".repeat(100_000)
                ),
            );
            e.chapter("![图](a.svg)\n");
        },
        fail("01.md", 5, Some(1), "a.svg"),
    );
    c.add(
        CLASS,
        "svg with script",
        |e| {
            e.write(
                "book/a.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><script>alert(1)</script></svg>",
            );
            e.chapter("![图](a.svg)\n");
        },
        fail("01.md", 5, Some(1), "a.svg"),
    );
    c.add(
        CLASS,
        "image on the network",
        |e| e.chapter("![图](https://example.com/a.png)\n"),
        fail("01.md", 5, Some(1), "network"),
    );
    c.add(
        CLASS,
        "image percent-encoded climb",
        |e| e.chapter("![图](..%2Fsecret%2Fpic.png)\n"),
        fail("01.md", 5, Some(1), "book folder"),
    );
    c.add(
        CLASS,
        "same bad image twice, reported once per file",
        |e| {
            e.write("book/a.png", "text");
            e.chapter("![图](a.png)\n\n![图](a.png)\n");
        },
        fail("01.md", 5, Some(1), "a.png"),
    );
}

fn numbers(c: &mut Cases) {
    const CLASS: &str = "pdf numbers";
    let bad: [(&str, &[&str]); 11] = [
        (
            "font_size",
            &[
                "0", "-10.5", "nan", "inf", "-inf", "1e9", "0.001", "5.99", "36.01", "1e39", "-0.0",
            ],
        ),
        ("line_pitch", &["0", "nan", "-1", "3.01", "inf", "0.99"]),
        (
            "page_width_mm",
            &["1e9", "0", "-1", "nan", "inf", "73.9", "1200.5"],
        ),
        ("page_height_mm", &["0", "-297", "nan", "+inf", "1e300"]),
        ("margin_top_mm", &["-1", "nan", "inf", "501"]),
        ("margin_bottom_mm", &["-0.5", "1e9"]),
        ("margin_inner_mm", &["180", "-inf"]),
        ("margin_outer_mm", &["200", "nan"]),
        ("bleed_mm", &["-1", "nan", "21", "inf"]),
        ("font_size", &["\"10\"", "true", "[10]"]),
        ("page_width_mm", &["{ a = 1 }", "9999999999999999999999"]),
    ];
    for (key, values) in bad {
        for v in values {
            let words = if v.starts_with('"')
                || v.starts_with('t')
                || v.starts_with('[')
                || v.starts_with('{')
            {
                "invalid type"
            } else if key.starts_with("margin_inner") || key.starts_with("margin_outer") {
                if v.contains("inf") || v.contains("nan") {
                    "out of range"
                } else {
                    "text block"
                }
            } else if v.len() > 20 {
                ""
            } else {
                "out of range"
            };
            c.add(
                CLASS,
                format!("{key} = {v}"),
                move |e| e.toml("", &format!("[pdf]\n{key} = {v}\n")),
                fail("book.toml", 5, None, words),
            );
        }
    }
    for (name, pdf) in [
        (
            "text block too narrow",
            "page_width_mm = 74\nfont_size = 36\n",
        ),
        (
            "text block too short",
            "page_height_mm = 74\nline_pitch = 3\n",
        ),
    ] {
        c.add(
            CLASS,
            name,
            move |e| e.toml("", &format!("[pdf]\n{pdf}")),
            fail("book.toml", 5, None, "text block"),
        );
    }
    for (name, pdf) in [
        ("smallest body size", "font_size = 6\n"),
        (
            "largest body size",
            "font_size = 36\npage_width_mm = 297\nmargin_inner_mm = 10\nmargin_outer_mm = 10\n",
        ),
        (
            "widest page",
            "page_width_mm = 1200\npage_height_mm = 1200\n",
        ),
        ("tight pitch", "line_pitch = 1.0\n"),
        (
            "no margins",
            "margin_top_mm = 0\nmargin_bottom_mm = 0\nmargin_inner_mm = 0\nmargin_outer_mm = 0\n",
        ),
    ] {
        c.add(
            CLASS,
            name,
            move |e| e.toml("", &format!("[pdf]\n{pdf}")),
            Expect::Ok,
        );
    }
}

/// Sizes just past the documented limits (sparse files: refused from the
/// file's size, before anything is read).
fn sizes(c: &mut Cases) {
    const CLASS: &str = "sizes";
    const MIB: u64 = 1024 * 1024;
    c.add(
        CLASS,
        "book.toml over 1 MiB",
        |e| e.sparse("book/book.toml", MIB + 1),
        fail_file("book.toml", "larger than"),
    );
    for (name, len) in [("over 16 MiB", 16 * MIB + 1), ("3 GiB", 3 << 30)] {
        c.add(
            CLASS,
            format!("chapter {name}"),
            move |e| e.sparse("book/01.md", len),
            fail("book.toml", 3, Some(13), "larger than"),
        );
        c.add_run(
            CLASS,
            format!("import page {name}"),
            move |e| e.sparse("page.txt", len),
            Run::Import {
                page: "page.txt".into(),
                into: "imported".into(),
                force: false,
            },
            fail_file("page.txt", "larger than"),
        );
    }
    for (name, len) in [("over 50 MiB", 50 * MIB + 1), ("3 GiB", 3 << 30)] {
        c.add(
            CLASS,
            format!("image {name}"),
            move |e| {
                e.sparse("book/a.png", len);
                e.chapter("![图](a.png)\n");
            },
            fail("01.md", 5, Some(1), "larger than"),
        );
        c.add(
            CLASS,
            format!("cover {name}"),
            move |e| {
                e.sparse("book/c.png", len);
                e.toml("cover = \"c.png\"", "");
            },
            fail("book.toml", 4, Some(9), "larger than"),
        );
    }
    for (name, len) in [("over 128 MiB", 128 * MIB + 1), ("3 GiB", 3 << 30)] {
        c.add(
            CLASS,
            format!("font {name}"),
            move |e| {
                e.sparse("book/f.otf", len);
                e.toml("", "[fonts]\nregular = { path = \"f.otf\" }\n");
            },
            fail("book.toml", 5, None, "larger than"),
        );
    }
    c.add(
        CLASS,
        "3000 chapters listed, none there",
        |e| {
            let list: Vec<String> = (0..3000).map(|i| format!("\"c{i}.md\"")).collect();
            e.write(
                "book/book.toml",
                toml("", "").replace("\"01.md\"", &list.join(", ")),
            );
        },
        fail("book.toml", 3, Some(13), "not found"),
    );
}

fn encoding(c: &mut Cases) {
    const CLASS: &str = "encoding";
    // (name, bytes to put at the place, expected line, column)
    let bad: [(&str, &[u8]); 7] = [
        ("lone continuation", b"\x80"),
        ("overlong", b"\xC0\x80"),
        ("surrogate", b"\xED\xA0\x80"),
        ("truncated", b"\xE4\xB8"),
        ("ff byte", b"\xFF"),
        ("gbk bytes", b"\xD6\xD0\xCE\xC4"),
        ("latin-1", b"caf\xE9"),
    ];
    for (name, bytes) in bad {
        c.add(
            CLASS,
            format!("chapter body {name}"),
            move |e| {
                let mut t = chapter("第一行\n正文").into_bytes();
                t.extend(bytes);
                t.extend("。\n".as_bytes());
                e.write("book/01.md", t);
            },
            fail(
                "01.md",
                6,
                Some(if name == "latin-1" { 6 } else { 3 }),
                "invalid UTF-8",
            ),
        );
        c.add(
            CLASS,
            format!("chapter title {name}"),
            move |e| {
                let mut t = b"+++\ntitle = \"AB".to_vec();
                t.extend(bytes);
                t.extend(b"\"\n+++\n\ntext\n");
                e.write("book/01.md", t);
            },
            fail(
                "01.md",
                2,
                Some(if name == "latin-1" { 15 } else { 12 }),
                "invalid UTF-8",
            ),
        );
        c.add(
            CLASS,
            format!("book.toml {name}"),
            move |e| {
                let mut t = toml("subtitle = \"副", "").into_bytes();
                t.truncate(t.len() - 1);
                t.extend(bytes);
                t.extend(b"\"\n");
                e.write("book/book.toml", t);
            },
            fail(
                "book.toml",
                4,
                Some(if name == "latin-1" { 17 } else { 14 }),
                "invalid UTF-8",
            ),
        );
    }
    c.add(
        CLASS,
        "bad byte at 1500",
        |e| {
            let mut t = chapter(&format!("{}\n", "a".repeat(1500))).into_bytes();
            let at = t.len() - 200;
            t[at] = 0xFF;
            e.write("book/01.md", t);
        },
        fail("01.md", 5, None, "invalid UTF-8"),
    );
    c.add(
        CLASS,
        "utf-16 chapter",
        |e| {
            let mut t = vec![0xFF, 0xFE];
            for u in chapter("正文。\n").encode_utf16() {
                t.extend(u.to_le_bytes());
            }
            e.write("book/01.md", t);
        },
        fail("01.md", 1, Some(1), "invalid UTF-8"),
    );
    c.add(
        CLASS,
        "bom and crlf are fine",
        |e| {
            e.write(
                "book/01.md",
                format!("\u{feff}{}", chapter("正文。\r\n").replace('\n', "\r\n")),
            )
        },
        Expect::Ok,
    );
    c.add_run(
        CLASS,
        "import invalid utf-8 at 1500",
        |e| {
            let mut t = page().into_bytes();
            t.extend(b"\n");
            t.extend("正".repeat(500).as_bytes());
            t[1500] = 0xFF;
            t[1501] = 0xFF;
            e.write("page.txt", t);
        },
        Run::Import {
            page: "page.txt".into(),
            into: "imported".into(),
            force: false,
        },
        fail("page.txt", 17, None, "byte 1500"),
    );
    c.add_run(
        CLASS,
        "import shift-jis page",
        |e| {
            let text = "これは日本語の文章です。ひらがなとカタカナ。\n".repeat(40);
            let (b, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
            e.write("page.txt", &b[..]);
        },
        Run::Import {
            page: "page.txt".into(),
            into: "imported".into(),
            force: false,
        },
        fail("page.txt", 1, None, "Shift_JIS"),
    );
    c.add_run(
        CLASS,
        "import binary garbage",
        |e| {
            let bytes: Vec<u8> = (0..4096u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
                .collect();
            e.write("page.txt", bytes);
        },
        Run::Import {
            page: "page.txt".into(),
            into: "imported".into(),
            force: false,
        },
        fail("page.txt", 1, None, ""),
    );
    c.add_run(
        CLASS,
        "import empty page",
        |e| e.write("page.txt", ""),
        Run::Import {
            page: "page.txt".into(),
            into: "imported".into(),
            force: false,
        },
        fail("page.txt", 1, None, ""),
    );
}

/// A small page in the newspaper's shape, for imports.
pub fn page() -> String {
    "学习 笔谈 专栏\n\n学思践悟\n\n理论学习\n\n做好学习的文章\n\n□张三\n\n\
     学习是一件长久的事情，需要日积月累，不能一蹴而就。\n\n\
     我们要在学习中思考，在思考中实践，在实践中提高。\n\n（作者单位：某某大学）\n"
        .to_string()
}

fn controls(c: &mut Cases) {
    const CLASS: &str = "control characters";
    for (name, ch) in [
        ("bel", '\u{7}'),
        ("esc", '\u{1b}'),
        ("nul", '\u{0}'),
        ("del", '\u{7f}'),
        ("c1 nel", '\u{85}'),
        ("noncharacter", '\u{fdd0}'),
    ] {
        c.add(
            CLASS,
            format!("chapter body {name}"),
            move |e| e.chapter(&format!("正文{ch}[31m文字。\n")),
            fail("01.md", 5, Some(3), "control character"),
        );
        c.add(
            CLASS,
            format!("chapter title {name}"),
            move |e| {
                e.write(
                    "book/01.md",
                    format!("+++\ntitle = \"标{ch}题\"\n+++\n\n正文。\n"),
                )
            },
            fail("01.md", 2, Some(11), ""),
        );
        c.add(
            CLASS,
            format!("book.toml title {name}"),
            move |e| {
                e.write(
                    "book/book.toml",
                    toml("", "").replace("测试之书", &format!("测试{ch}之书")),
                )
            },
            fail("book.toml", 2, None, ""),
        );
        c.add(
            CLASS,
            format!("chapter file name {name}"),
            move |e| {
                e.write(
                    "book/book.toml",
                    toml("", "").replace("\"01.md\"", &format!("\"0{ch}1.md\"")),
                )
            },
            // TOML itself refuses raw C0 controls and DEL in a string.
            fail(
                "book.toml",
                3,
                Some(if (ch as u32) < 0x80 { 15 } else { 13 }),
                "",
            ),
        );
    }
    c.add(
        CLASS,
        "escape in toml escapes",
        |e| e.toml("subtitle = \"a\\u001b[2Jb\"", ""),
        fail("book.toml", 4, None, "control"),
    );
    c.add_run(
        CLASS,
        "import page with escapes",
        |e| e.write("page.txt", "\u{1b}[2J\u{7}\u{0}\n"),
        Run::Import {
            page: "page.txt".into(),
            into: "imported".into(),
            force: false,
        },
        fail("page.txt", 1, None, ""),
    );
}

fn dates(c: &mut Cases) {
    const CLASS: &str = "toml types";
    for (key, v) in [
        ("date", "2024-08-01"),
        ("date", "2024-08-01T09:30:00Z"),
        ("date", "2024-08-01T09:30:00"),
        ("date", "09:30:00"),
        ("title", "2024-01-01"),
        ("subtitle", "1979-05-27T07:32:00-08:00"),
        ("editors", "[2024-01-01]"),
        ("slug", "2024-01-01"),
        ("cover", "2024-01-01"),
        ("language", "1999-12-31"),
    ] {
        c.add(
            CLASS,
            format!("unquoted {key} {v}"),
            move |e| {
                if key == "title" {
                    e.write(
                        "book/book.toml",
                        toml("", "").replace("title = \"测试之书\"", &format!("title = {v}")),
                    );
                } else {
                    e.toml(&format!("{key} = {v}"), "")
                }
            },
            fail(
                "book.toml",
                if key == "title" { 2 } else { 4 },
                None,
                "date",
            ),
        );
    }
    c.add(
        CLASS,
        "front matter unquoted date",
        |e| e.write("book/01.md", "+++\ntitle = 2024-01-01\n+++\n\n正文。\n"),
        fail("01.md", 2, None, "date"),
    );
    c.add(
        CLASS,
        "book is not a table",
        |e| e.write("book/book.toml", "book = 5\n"),
        fail("book.toml", 1, None, "table"),
    );
    c.add(
        CLASS,
        "chapters not a list",
        |e| {
            e.write(
                "book/book.toml",
                "[book]\ntitle = \"书\"\nchapters = \"01.md\"\n",
            )
        },
        fail("book.toml", 3, None, ""),
    );
    c.add(
        CLASS,
        "duplicate key",
        |e| e.toml("title = \"又一个\"", ""),
        fail("book.toml", 4, None, ""),
    );
}

fn output(c: &mut Cases) {
    const CLASS: &str = "output";
    c.add(
        CLASS,
        "epub path is a folder",
        |e| {
            e.dir("out/book.epub");
            e.write("out/book.pdf", "previous");
        },
        fail_file("book.epub", "folder"),
    );
    c.add(
        CLASS,
        "pdf path is a folder",
        |e| {
            e.dir("out/book.pdf");
            e.write("out/book.epub", "previous");
        },
        fail_file("book.pdf", "folder"),
    );
    c.add(
        CLASS,
        "out is a file",
        |e| {
            std::fs::remove_dir(&e.out).unwrap();
            e.write("out", "a file");
        },
        fail_file("out", ""),
    );
    c.add(
        CLASS,
        "broken sources keep the previous pair",
        |e| {
            e.write("out/book.pdf", "previous pdf");
            e.write("out/book.epub", "previous epub");
            e.chapter("![图](../secret/pic.png)\n");
        },
        fail("01.md", 5, Some(1), "book folder"),
    );
    c.add(
        CLASS,
        "stale temporary files are removed",
        |e| {
            e.write("out/.book.pdf.tmp-99999", "half");
            e.write("out/.book.epub.prev-99999", "old");
        },
        Expect::Ok,
    );
    c.add(
        CLASS,
        "edition path is a symlink out",
        |e| e.link("out/book.pdf", e.secret.join("passwd.txt")),
        Expect::Ok,
    );
}

fn import(c: &mut Cases) {
    const CLASS: &str = "import";
    let run = |force| Run::Import {
        page: "page.txt".into(),
        into: "into".into(),
        force,
    };
    c.add_run(
        CLASS,
        "notes file in the way, no book.toml",
        |e| {
            e.write("page.txt", page());
            e.write("into/01.md", "my notes");
        },
        run(false),
        fail_file("01.md", "already exists"),
    );
    c.add_run(
        CLASS,
        "book.toml in the way",
        |e| {
            e.write("page.txt", page());
            e.write("into/book.toml", "mine");
        },
        run(false),
        fail_file("book.toml", "already exists"),
    );
    c.add_run(
        CLASS,
        "symlink in the way",
        |e| {
            e.write("page.txt", page());
            e.link("into/01.md", e.secret.join("passwd.txt"));
        },
        run(false),
        fail_file("01.md", "already exists"),
    );
    c.add_run(
        CLASS,
        "dangling symlink in the way",
        |e| {
            e.write("page.txt", page());
            e.link("into/01.md", e.secret.join("nothing"));
        },
        run(false),
        fail_file("01.md", "already exists"),
    );
    c.add_run(
        CLASS,
        "into is a file",
        |e| {
            e.write("page.txt", page());
            e.write("into", "file");
        },
        run(false),
        fail_file("into", "not a folder"),
    );
    c.add_run(
        CLASS,
        "into is a fifo",
        |e| {
            e.write("page.txt", page());
            e.fifo("into");
        },
        run(true),
        fail_file("into", "not a folder"),
    );
    c.add_run(
        CLASS,
        "into an empty folder",
        |e| {
            e.write("page.txt", page());
            e.dir("into");
        },
        run(false),
        Expect::Ok,
    );
    c.add_run(
        CLASS,
        "force replaces, and only the book's files",
        |e| {
            e.write("page.txt", page());
            e.write("into/01.md", "old");
            e.write("into/notes.txt", "kept");
        },
        run(true),
        Expect::Ok,
    );
    c.add_run(
        CLASS,
        "too many articles",
        |e| {
            let mut p = String::from("学习 笔谈 专栏\n\n学思践悟\n\n理论学习\n\n");
            for i in 0..2100 {
                p.push_str(&format!("第{i}篇\n\n□张三\n\n正文。\n\n"));
            }
            e.write("page.txt", p);
        },
        run(false),
        fail("page.txt", 12009, Some(1), "more than 2000 articles"),
    );
}
