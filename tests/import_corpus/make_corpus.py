#!/usr/bin/env python3
"""Builds the import test corpus: newspaper-shaped pages (header lines,
titles, □ bylines, author notes, column breaks) and, for each, the ground
truth the importer must recover.

Classical texts (public domain) come from the npm package chinese-poetry
2.0.1 (MIT compilation): 孟子, 大學 and 中庸 in traditional characters,
论语 and 幽梦影 in simplified ones. The modern simplified articles are
written for this corpus (modern.py). Titles, bylines, notes, variant notes
and sub-headings are made up around the texts, as a newspaper would set them.

    mkdir -p target/poetry && (cd target/poetry && npm pack chinese-poetry@2.0.1 \
        && tar xzf chinese-poetry-2.0.1.tgz)
    python3 tests/import_corpus/make_corpus.py target/poetry/package/dist

Writes pages/NN_name.txt (in the page's encoding) and truth/NN_name.json.
Deterministic: the same texts give the same files.
"""

import json
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import modern  # noqa: E402

HERE = Path(__file__).parent

# Breaks fall at least this many characters into a paragraph: a piece of
# eight characters or fewer without punctuation before a sentence start is
# a sub-heading to the importer (see the README), so a break there cannot be
# told from one. The held-out figure with breaks anywhere (MIN_CUT=1) is in
# the README. SEED varies the break places for such runs.
MIN_CUT = int(os.environ.get("MIN_CUT", "12"))
SEED = os.environ.get("SEED", "")

# Marks after which the importer ends a paragraph: a column break is never
# set right after one (nobody could tell it from a paragraph end).
PARAGRAPH_END = set("。！？…；：”’）》」』】〕.!?;:\"')]—")
OPENING = set("“‘「『")
LIST_START = ("一是", "二是", "三是", "四是", "（一）", "（二）", "（三）", "1.", "2.", "3.")


def load(dist):
    dist = Path(dist)
    def read(p):
        data = json.loads((dist / p).read_text(encoding="utf-8"))
        # Some entries carry stray leading spaces; a page line has none.
        strip = lambda v: v.strip() if isinstance(v, str) else v
        if isinstance(data, dict):
            return {k: [strip(x) for x in v] if isinstance(v, list) else v for k, v in data.items()}
        return [{k: [strip(x) for x in v] if isinstance(v, list) else strip(v)
                 for k, v in e.items()} for e in data]

    mengzi = {c["chapter"]: c["paragraphs"] for c in read("sishuwujing/mengzi.json")}
    lunyu = {c["chapter"]: c["paragraphs"] for c in read("lunyu/lunyu.json")}
    return {
        "mengzi": mengzi,
        "daxue": read("sishuwujing/daxue.json")["paragraphs"],
        "zhongyong": read("sishuwujing/zhongyong.json")["paragraphs"],
        "lunyu": lunyu,
        "youmengying": [e["content"] for e in read("youmengying/youmengying.json")],
    }


def encodable(text, encoding):
    try:
        text.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


def pick(paras, start, count, encoding):
    """`count` paragraphs from `start` on that the encoding can hold."""
    out = []
    for p in paras[start:]:
        if encodable(p, encoding) and len(p) >= 12:
            out.append(p)
        if len(out) == count:
            break
    return out


def break_points(rng, para, n):
    """Up to `n` places to cut `para` by a column break that the importer
    can see: not after a paragraph-ending mark, at least 12 characters into
    the paragraph, not an opening-quote boundary, not before a list item."""
    good = []
    for k in range(MIN_CUT, len(para) - 3):
        before, after = para[k - 1], para[k:]
        if before in PARAGRAPH_END:
            continue
        if before in OPENING and (after[0] in OPENING or para[k - 2] in "。！？…"):
            continue
        if before in "，：；、" and after.startswith(LIST_START):
            continue
        # Latin words: a break only at the space between two words (the
        # importer puts the space back); never inside a word.
        latin = lambda c: c.isascii() and c.isalnum()
        if before == " ":
            if not (latin(para[k - 2]) and latin(after[0])):
                continue
        elif after[0] == " " or (latin(before) and latin(after[0])):
            continue
        good.append(k)
    cuts = sorted(rng.sample(good, min(n, len(good))))
    # Pieces at least 6 characters apart, so no piece is empty.
    kept = []
    for k in cuts:
        if not kept or k - kept[-1] >= 6:
            kept.append(k)
    return kept


def cut(para, points):
    pieces, last = [], 0
    for k in points:
        pieces.append(para[last:k])
        last = k
    pieces.append(para[last:])
    return pieces


def variant_lines(para):
    """A paragraph holding a variant note `（一作：…）`, spread over three
    short lines the way print extraction leaves it."""
    i = para.index("（一作：")
    j = para.index("）", i)
    return [para[: i + 1], "一作：", para[i + 4 : j + 1] + para[j + 1 :]]


def article_lines(rng, art, breaks):
    """The page lines of one article (after its title and byline), and the
    indexes of the lines that continue on the next line (the joins the
    importer must make: column breaks and split variant notes)."""
    lines, joins = [], []

    def add(pieces):
        for i, piece in enumerate(pieces):
            if i + 1 < len(pieces):
                joins.append(len(lines))
            lines.append(piece)

    paras = art["paragraphs"]
    for idx, p in enumerate(paras):
        if p.startswith("## "):
            # A name or section line before `曰：…` reads as the speaker
            # (孟子 + 曰 = 孟子曰): such a page is ambiguous, so none is made.
            assert not paras[idx + 1].startswith(("曰", "云")), paras[idx + 1]
            lines.append(p[3:])
            continue
        if "（一作：" in p:
            add(variant_lines(p))
            continue
        is_last = idx == len(paras) - 1
        glue = art.get("glued_note") and is_last and art.get("note")
        points = []
        forced = [p.index(c) + len(c) for c in art.get("cut_after", []) if c in p]
        if forced:
            points = forced
        elif breaks and len(p) >= 30 and rng.random() < breaks:
            points = break_points(rng, p, 2 if len(p) > 120 else 1)
        pieces = cut(p, points)
        if glue:
            pieces[-1] += art["note"]
        add(pieces)
    if art.get("note") and not art.get("glued_note"):
        lines.append(art["note"])
    lines.extend(art.get("after_note", []))
    return lines, joins


def render(rng, page):
    """The page text and the page line pairs (before, after) joined."""
    out = list(page["header"])
    joins = []
    for art in page["articles"]:
        if art["title"]:
            out.extend(art["title_lines"] if "title_lines" in art else [art["title"]])
        byline = "□" + " ".join(art["authors"])
        if art.get("role"):
            byline += " " + art["role"]
        out.append(byline)
        lines, js = article_lines(rng, art, page.get("breaks", 0.7))
        joins.extend(len(out) + j for j in js)
        out.extend(lines)
    step = 2 if page.get("blank_lines", True) else 1
    # The page starts with two empty lines, as the seed page does.
    line_of = lambda i: 3 + i * step
    sep = "\n" * step
    text = "\n\n" + sep.join(out) + "\n"
    return text, [[line_of(j), line_of(j + 1)] for j in joins]


def truth_of(page, breaks):
    arts = []
    for a in page["articles"]:
        paras = list(a["paragraphs"]) + list(a.get("after_note", []))
        arts.append(
            {
                "title": a["title"],
                "authors": a["authors"],
                "role": a.get("role"),
                "note": a.get("note"),
                "paragraphs": paras,
            }
        )
    return {
        "encoding": page["encoding"],
        "language": page["language"],
        "header": page["header"],
        "joins": breaks,
        "articles": arts,
    }


def encode(text, page):
    if page.get("crlf"):
        text = text.replace("\n", "\r\n")
    enc = page["encoding"]
    if enc == "utf-8-bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(enc)


def art(title, authors, paragraphs, note=None, role=None, **extra):
    a = {"title": title, "authors": authors, "paragraphs": paragraphs, "note": note, "role": role}
    a.update(extra)
    return a


def classical_pages(t):
    m = t["mengzi"]
    b5 = "big5"
    pages = []

    # 1. 孟子 梁惠王上, UTF-8: plain articles, a sub-heading, a glued note.
    p1 = pick(m["梁惠王上"], 0, 12, b5)
    pages.append({
        "name": "mengzi_lianghuiwang", "encoding": "utf-8", "language": "zh-Hant",
        "header": ["諸子 經典 選讀", "孟子篇", "經典重溫"],
        "articles": [
            art("義利之辨：孟子見梁惠王", ["孟軻"], p1[0:3], "（作者系戰國時期鄒國人）", role="著"),
            art("與民偕樂", ["萬章", "公孫丑"], ["## 上篇"] + p1[3:5] + ["## 下篇"]
                + [p for p in p1[5:8] if not p.startswith("曰")],
                "（作者單位：稷下學宮）", glued_note=True),
            art("五十步笑百步", ["樂正克"], p1[7:12], "（作者系孟子弟子）"),
        ],
    })

    # 2. 孟子 梁惠王下, Big5: roles, an untitled later article, 等.
    p2 = pick(m["梁惠王下"], 0, 14, b5)
    pages.append({
        "name": "mengzi_lianghuiwang_xia", "encoding": b5, "language": "zh-Hant",
        "header": ["諸子 經典 選讀", "孟子篇（續）", "經典重溫"],
        "articles": [
            art("莊暴見孟子", ["趙岐"], p2[0:4], "（作者系東漢經學家）", role="校注"),
            art("", ["孫奭", "朱熹"], p2[4:8], "（作者單位：國子監）", role="等"),
            art("文王之囿方七十里", ["焦循"], p2[8:14], "（作者系清代學者）", role="整理"),
        ],
    })

    # 3. 孟子 公孫丑上, GB18030: a mid-article note-like parenthesis, text
    #    after a note, a subtitle line.
    p3 = pick(m["公孫丑上"], 0, 14, "gb18030")
    pages.append({
        "name": "mengzi_gongsunchou", "encoding": "gb18030", "language": "zh-Hant",
        "header": ["諸子 經典 選讀", "孟子篇（三）", "經典重溫"],
        "articles": [
            art("夫子當路於齊", ["公孫丑"], p3[0:2] + ["（作者系孟子弟子，齊人）"] + p3[2:5],
                "（作者單位：齊國稷下學宮）", after_note=["（本文有刪節）"]),
            art("論浩然之氣", ["孟軻"], p3[5:9], "（作者系鄒人）", role="撰",
                title_lines=["論浩然之氣"]),
            art("以力假仁者霸 ——讀《孟子》札記", ["王安石"], p3[9:14], "（作者系北宋文學家）",
                title_lines=["以力假仁者霸", "——讀《孟子》札記"]),
        ],
    })

    # 4. 大學, Big5: roles 編, 主編; variant note over three lines.
    dx = pick(t["daxue"], 0, 10, b5)
    dx[1] = dx[1].replace("先治其國；", "先治其國（一作：先治其邦）；", 1)
    pages.append({
        "name": "daxue", "encoding": b5, "language": "zh-Hant",
        "header": ["四書 精讀", "大學篇", "經典重溫"],
        "articles": [
            art("大學之道在明明德", ["曾參"], dx[0:3], "（作者系孔子弟子）", role="編"),
            art("所謂誠其意者", ["鄭玄", "孔穎達"], dx[3:6], "（作者單位：太學）", role="主編"),
            art("此謂修身在正其心", ["朱熹"], dx[6:10], "（作者系南宋理學家）", role="編著"),
        ],
    })

    # 5. 中庸, UTF-8 with BOM and CRLF, no blank lines between lines.
    zy = pick(t["zhongyong"], 0, 16, "utf-8")
    pages.append({
        "name": "zhongyong", "encoding": "utf-8-bom", "crlf": True, "blank_lines": False,
        "language": "zh-Hant",
        "header": ["四書 精讀", "中庸篇", "經典重溫"],
        "articles": [
            art("天命之謂性", ["子思"], zy[0:5], "（作者系孔子之孫）", role="著"),
            art("君子之道費而隱", ["鄭玄"], zy[5:10], "（作者系東漢經學家）", role="校注"),
            art("誠者天之道也", ["孔伋"], zy[10:16], "（作者單位：魯國曲阜）"),
        ],
    })

    # 6. 孟子 滕文公上, Big5: the first article lost its title.
    p6 = pick(m["滕文公上"], 0, 12, b5)
    pages.append({
        "name": "mengzi_tengwengong", "encoding": b5, "language": "zh-Hant",
        "header": ["諸子 經典 選讀", "孟子篇（四）", "經典重溫"],
        "articles": [
            art("", ["陳相"], p6[0:4], "（作者系許行門人）"),
            art("滕文公問為國", ["畢戰"], p6[4:8], "（作者單位：滕國）"),
            art("有為神農之言者許行", ["陳良"], p6[8:12], "（作者系楚國儒者）", role="譯"),
        ],
    })

    # 7. 孟子 告子上, Big5: an opening-quote boundary (a closing quote set
    #    the wrong way round before a paragraph opening with one), a variant
    #    note, speakers' names as sub-headings.
    p7 = pick(m["告子上"], 0, 18, b5)
    assert p7[5].endswith("」") and p7[6].startswith("「")
    p7[5] = p7[5][:-1] + "「"
    p7[3] = p7[3].replace("水信無分於東西。", "水信無分於東西（一作：水誠無分於東西）。", 1)
    assert "（一作：" in p7[3]
    pages.append({
        "name": "mengzi_gaozi", "encoding": b5, "language": "zh-Hant",
        "header": ["諸子 經典 選讀", "孟子篇（五）", "經典重溫"],
        "articles": [
            art("性猶杞柳也", ["告不害"], p7[0:4], "（作者系戰國思想家）"),
            art("生之謂性", ["孟軻"], p7[4:8], "（作者系鄒人）", role="著"),
            art("食色性也", ["公都子"], ["## 公都子"] + p7[8:11] + ["## 孟季子"] + p7[14:18],
                "（作者系孟子弟子）"),
        ],
    })

    # 8. 论语 (simplified), UTF-8.
    ly = t["lunyu"]
    a = pick(ly["学而篇"], 0, 8, "gb18030")
    b = pick(ly["为政篇"], 0, 8, "gb18030")
    c = pick(ly["里仁篇"], 0, 8, "gb18030")
    pages.append({
        "name": "lunyu", "encoding": "utf-8", "language": "zh-CN",
        "header": ["国学 经典 导读", "论语选读", "经典新读"],
        "articles": [
            art("学而时习之", ["曾参", "有若"], a, "（作者系孔子弟子）", role="等"),
            art("为政以德", ["何晏"], b, "（作者系三国魏学者）", role="整理"),
            art("里仁为美", ["皇侃"], c, "（作者单位：南朝梁国子学）", role="编", glued_note=True),
        ],
    })

    # 9. 幽梦影 (simplified), GB18030.
    y = [p for p in t["youmengying"] if len(p) >= 30]
    pages.append({
        "name": "youmengying", "encoding": "gb18030", "language": "zh-CN",
        "header": ["闲情 清言 小品", "幽梦影选读", "书香茶座"],
        "articles": [
            art("读经宜冬读史宜夏", ["张潮"], y[0:5], "（作者系清代文学家）", role="著"),
            art("春听鸟声夏听蝉声", ["张潮"], y[5:10], "（作者系清代文学家）", role="撰"),
            art("花不可以无蝶", ["张潮", "江含征"], y[10:16], "（作者单位：歙县）", role="等"),
        ],
    })
    return pages


def main(dist):
    texts = load(dist)
    pages = classical_pages(texts) + modern.pages()
    (HERE / "pages").mkdir(exist_ok=True)
    (HERE / "truth").mkdir(exist_ok=True)
    for i, page in enumerate(pages):
        rng = random.Random(f"{i}-{page['name']}{SEED}")
        text, joins = render(rng, page)
        stem = f"{i + 1:02}_{page['name']}"
        (HERE / "pages" / f"{stem}.txt").write_bytes(encode(text, page))
        truth = truth_of(page, joins)
        (HERE / "truth" / f"{stem}.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(f"{stem}: {page['encoding']}, {len(page['articles'])} articles, {len(joins)} joins")


if __name__ == "__main__":
    main(sys.argv[1])
