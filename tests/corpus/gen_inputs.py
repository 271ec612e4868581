#!/usr/bin/env python3
"""Writes source documents for the converters of the check corpus
(pandoc, Calibre, LibreOffice, TeX, EbookLib): Markdown, HTML and LaTeX
files made from the seed book's chapters and from feature samples.

Usage: gen_inputs.py REPO OUTDIR
"""
import os
import struct
import sys
import zlib

REPO, OUT = sys.argv[1], sys.argv[2]
os.makedirs(OUT, exist_ok=True)


def png(w, h, rgb):
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


with open(os.path.join(OUT, "pic.png"), "wb") as f:
    f.write(png(32, 24, (200, 60, 40)))

chapters = []
for name in sorted(os.listdir(os.path.join(REPO, "book"))):
    if not name.endswith(".md"):
        continue
    text = open(os.path.join(REPO, "book", name), encoding="utf-8").read()
    front, body = text.split("+++", 2)[1:]
    title = [l.split("=", 1)[1].strip().strip('"') for l in front.splitlines() if l.startswith("title")][0]
    chapters.append((title or name, body.strip()))

docs = {}
for i, (title, body) in enumerate(chapters):
    docs[f"seed{i + 1}"] = ("zh-CN", title, f"# {title}\n\n{body}\n")
docs["seed-all"] = ("zh-CN", "学思践悟", "".join(f"# {t}\n\n{b}\n\n" for t, b in chapters))
english = ("The quick brown fox jumps over the lazy dog. " * 6).strip()
docs["features"] = ("en", "Features", f"""# Headings and lists

{english}[^1]

1. one
2. two
   - nested *emphasis* and **strong**

## Table

| a | b |
|---|---|
| 1 | 2 |

## Quote and code

> {english}

```
fn main() {{}}
```

## Links

An [external link](https://example.org/) and an [internal one](#table).

[^1]: A footnote.
""")
docs["image"] = ("en", "Image", f"# Image\n\n![A red picture](pic.png)\n\n{english}\n")
docs["math"] = ("en", "Math", f"# Math\n\n$x^2 + y^2 = z^2$ and $$\\sum_{{i=1}}^n i$$\n\n{english}\n")
docs["mixed"] = ("zh-CN", "中英混排", f"# 中英混排\n\n{chapters[0][1][:300]} {english}\n\n## 第二节\n\n{chapters[1][1][:300]}\n")
docs["long"] = ("en", "Long", "".join(f"# Chapter {k}\n\n{english}\n\n## Part {k}.1\n\n{english}\n\n" for k in range(1, 13)))

for name, (lang, title, md) in docs.items():
    with open(os.path.join(OUT, name + ".md"), "w", encoding="utf-8") as f:
        f.write(f"---\ntitle: \"{title}\"\nlang: {lang}\nauthor: Corpus\n---\n\n{md}")

with open(os.path.join(OUT, "style.css"), "w") as f:
    f.write("body { font-family: serif; line-height: 1.6; }\nh1 { font-weight: bold; }\n")

# LaTeX documents for pdfTeX (Latin text) and XeTeX/LuaTeX (any text).
latin = english + " Caf\\'e na\\\"ive r\\'esum\\'e --- ``quoted'' text, fi ff fl ligatures."
with open(os.path.join(OUT, "latin.tex"), "w") as f:
    f.write("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\begin{document}\n\\section{One}\n"
            + (latin + "\n\n") * 8 + "\\section{Two}\n$x^2+y^2$\n" + (latin + "\n\n") * 8 + "\\end{document}\n")
with open(os.path.join(OUT, "cm.tex"), "w") as f:
    f.write("\\documentclass{article}\n\\begin{document}\n\\section{Computer Modern}\n"
            + (latin + "\n\n") * 10 + "\\end{document}\n")
with open(os.path.join(OUT, "unicode.tex"), "w", encoding="utf-8") as f:
    f.write("\\documentclass{article}\n\\usepackage{fontspec}\n\\setmainfont{DejaVu Sans}\n\\begin{document}\n"
            "\\section{Unicode}\n" + ("Café naïve résumé — “quoted” ĀĒĪ αβγ. " * 20 + "\n\n") * 4 + "\\end{document}\n")

# HTML pages for LibreOffice and Chromium.
for name, (lang, title, md) in docs.items():
    paras = "".join(f"<p>{p}</p>\n" for p in md.split("\n\n") if p and not p.startswith(("#", "|", "`", "$")))
    with open(os.path.join(OUT, name + ".html"), "w", encoding="utf-8") as f:
        f.write(f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
                f"<body><h1>{title}</h1>{paras}</body></html>\n")
print(len(docs))
