#!/usr/bin/env python3
"""Writes EPUBs with EbookLib for the check corpus: Chinese and English
books of one to several chapters, with and without an image and a style
sheet, EPUB 3 with its navigation document and NCX.

Usage: gen_ebooklib.py SRCDIR OUTDIR   (SRCDIR from gen_inputs.py)
"""
import os
import sys

from ebooklib import epub

SRC, OUT = sys.argv[1], sys.argv[2]
TEXT = {"zh": "今天天气很好，我们一起去公园散步。树叶黄了，一片一片落下来。",
        "en": "The weather is fine today; we walk in the park. Leaves fall one by one."}
n = 0
for lang, para in TEXT.items():
    for chapters in (1, 3, 8):
        for extras in (False, True):
            book = epub.EpubBook()
            book.set_identifier(f"corpus-{lang}-{chapters}-{extras}")
            book.set_title(f"Corpus {lang} {chapters}")
            book.set_language(lang)
            book.add_author("Corpus")
            items = []
            for i in range(1, chapters + 1):
                c = epub.EpubHtml(title=f"Chapter {i}", file_name=f"chap_{i}.xhtml", lang=lang)
                img = '<p><img src="pic.png" alt="picture"/></p>' if extras and i == 1 else ""
                c.content = f"<h1>Chapter {i}</h1><p>{para}</p>{img}"
                book.add_item(c)
                items.append(c)
            if extras:
                book.add_item(epub.EpubItem(uid="pic", file_name="pic.png", media_type="image/png",
                                            content=open(os.path.join(SRC, "pic.png"), "rb").read()))
                css = epub.EpubItem(uid="style", file_name="style/main.css", media_type="text/css",
                                    content=b"body { line-height: 1.5; }")
                book.add_item(css)
                for c in items:
                    c.add_item(css)
            book.toc = items
            book.add_item(epub.EpubNcx())
            book.add_item(epub.EpubNav())
            book.spine = ["nav"] + items
            epub.write_epub(os.path.join(OUT, f"ebooklib-{lang}-{chapters}-{int(extras)}.epub"), book)
            n += 1
print(n)
