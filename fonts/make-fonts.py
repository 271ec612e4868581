#!/usr/bin/env python3
"""Rebuild the bundled fonts from Debian's fonts-noto-cjk collections.

The full Noto Serif CJK collections hold five faces each (JP, KR, SC, TC, HK)
in ~26 MB. The bundle keeps the Simplified Chinese face only (found by its
PostScript name), with every code point that face maps (44,746: GB 18030-2022
level 1 as far as Noto goes, CJK Extension A, 2,057 Extension B characters,
radicals, compatibility ideographs, kana, hangul, Latin, Greek, Cyrillic,
symbols) and its variation sequences (cmap format 14). Of the OpenType layout
features it keeps those the typesetter uses and the vertical ones:

    GSUB ccmp liga vert vrt2      GPOS kern halt palt vhal vpal vkrn

`locl` is left out: in this face it maps 7,500-8,900 characters each to their
Japanese, Korean and traditional forms (19.6 MB instead of 13.2 MB for the
Regular face), and for zh-Hans it would change the ASCII quotes and the em
dash the typesetter sets today. Hinting is dropped, and each glyph's CID is
made its glyph id (see renumber_cids).

Run from anywhere (writes next to this script, or to $BUNDLED_FONTS_OUT):

    apt-get install fonts-noto-cjk        # 1:20220127+repack1-1 (Noto 2.001)
    pip install fonttools==4.68.0
    python3 fonts/make-fonts.py

The output is the same bytes for the same input files and fontTools version
(the source `head` dates are kept; nothing depends on the clock). The script
prints the SHA-256 of inputs and outputs; README.md has the figures for the
committed files. A face takes 3-8 minutes.
"""
import hashlib
import os
import sys

import fontTools
from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

FONTTOOLS_VERSION = "4.68.0"
DEBIAN_PACKAGE = "fonts-noto-cjk 1:20220127+repack1-1"
SRC_DIR = os.environ.get("NOTO_CJK_DIR", "/usr/share/fonts/opentype/noto")
OUT_DIR = os.environ.get(
    "BUNDLED_FONTS_OUT", os.path.dirname(os.path.abspath(__file__))
)
FACES = [
    ("NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular"),
    ("NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold"),
]
GSUB_FEATURES = ["ccmp", "liga", "vert", "vrt2"]
GPOS_FEATURES = ["kern", "halt", "palt", "vhal", "vpal", "vkrn"]


def gb18030_level1():
    """GB 18030-2022 implementation level 1: the one- and two-byte parts,
    CJK Extension A (U+3400-U+4DB5) and the URO additions U+9FA6-U+9FEF.

    Python's codec follows the 2000 mapping, which sends 19 two-byte codes
    to private-use code points that GB 18030-2005 (A8BC) and -2022 (18
    vertical forms and ideographs) map to real characters. User-defined and
    unassigned positions (private use) are not characters and are left out."""
    remap = {0xE7C7: 0x1E3F}  # A8BC (2005)
    remap.update(zip(range(0xE78D, 0xE797), range(0xFE10, 0xFE1A)))  # A6D9.. (2022)
    remap.update(
        zip(
            [0xE81E, 0xE826, 0xE82B, 0xE82C, 0xE832, 0xE843, 0xE854, 0xE864],
            range(0x9FB4, 0x9FBC),
        )
    )
    cps = set(range(0x20, 0x7F))
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            try:
                cp = ord(bytes([lead, trail]).decode("gb18030"))
            except UnicodeDecodeError:
                continue
            cp = remap.get(cp, cp)
            if not 0xE000 <= cp <= 0xF8FF:
                cps.add(cp)
    cps.update(range(0x3400, 0x4DB6))
    cps.update(range(0x9FA6, 0x9FF0))
    return cps


def required_code_points(source):
    """What the bundle must cover where the source face has it."""
    ranges = [
        (0x2E80, 0x2EFF),  # CJK radicals supplement
        (0x2F00, 0x2FDF),  # Kangxi radicals
        (0x30A0, 0x30A0),  # ゠
        (0x30F7, 0x30FB),  # ヷヸヹヺ and ・ (the title/header separator)
        (0x30FF, 0x30FF),  # ヿ
        (0x3400, 0x4DBF),  # CJK Extension A
        (0xF900, 0xFAFF),  # CJK compatibility ideographs
        (0x20000, 0x2A6DF),  # CJK Extension B
        (0x2F800, 0x2FA1F),  # CJK compatibility ideographs supplement
    ]
    cps = gb18030_level1()
    for lo, hi in ranges:
        cps.update(cp for cp in range(lo, hi + 1) if cp in source or lo == hi)
    return cps


def face_index(collection_path, ps_name):
    coll = TTCollection(collection_path, lazy=True)
    for i, font in enumerate(coll.fonts):
        if font["name"].getDebugName(6) == ps_name:
            return i
    sys.exit(f"{collection_path}: no face named {ps_name}")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def span(cps):
    """Compact listing of code points: U+9FEB-U+9FEF, U+XXXX, ..."""
    out, run = [], []
    for cp in sorted(cps):
        if run and cp == run[-1] + 1:
            run.append(cp)
            continue
        if run:
            out.append(f"U+{run[0]:04X}" + (f"-U+{run[-1]:04X}" if len(run) > 1 else ""))
        run = [cp]
    if run:
        out.append(f"U+{run[0]:04X}" + (f"-U+{run[-1]:04X}" if len(run) > 1 else ""))
    return ", ".join(out) or "none"


def make_face(src, ps_name, out):
    index = face_index(src, ps_name)
    options = subset.Options()
    options.font_number = index
    options.layout_features = GSUB_FEATURES + GPOS_FEATURES
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    font = subset.load_font(src, options)
    source = set(font.getBestCmap())
    sequences = [t.uvsDict for t in font["cmap"].tables if t.format == 14]
    uvs = sum(len(d[v]) for d in sequences for v in d)
    # The subsetter keeps a selector's sequences only if the selector itself
    # is asked for (it has no glyph, so it is not in the face's cmap).
    selectors = {v for d in sequences for v in d}
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=source | selectors)
    subsetter.subset(font)
    subset.save_font(font, out, options)
    font.close()
    renumber_cids(out)
    return index, source, uvs


def renumber_cids(path):
    """Makes each glyph's CID its glyph id.

    The subset keeps the source's CIDs, which leaves ~13,000 runs in the CFF
    charset; readers that look a glyph's CID up by walking the runs (allsorts,
    used for the EPUB subsets) then spend most of their time there. The face's
    ROS is Adobe-Identity-0, where CIDs carry no meaning of their own. Only
    the CFF table is rewritten; the outlines are checked to be unchanged."""
    font = TTFont(path, recalcBBoxes=False, recalcTimestamp=False)
    top = font["CFF "].cff.topDictIndex[0]
    if getattr(top, "ROS", None) != ("Adobe", "Identity", 0):
        sys.exit(f"{path}: CFF is not CID-keyed Adobe-Identity-0 ({getattr(top, 'ROS', None)})")
    old = font.getGlyphOrder()
    before = outlines(font, old)
    new = [old[0]] + [f"cid{i:05d}" for i in range(1, len(old))]
    strings = top.CharStrings
    strings.charStrings = {n: strings.charStrings[o] for o, n in zip(old, new)}
    top.charset = new
    font.setGlyphOrder(new)
    font.save(path)
    font.close()
    font = TTFont(path, lazy=True)
    if outlines(font, font.getGlyphOrder()) != before:
        sys.exit(f"{path}: outlines changed while renumbering CIDs")
    font.close()


def outlines(font, order):
    """Charstring bytes and font-dict index of every glyph, in glyph id order."""
    strings = font["CFF "].cff.topDictIndex[0].CharStrings
    out = []
    for name in order:
        cs, fd = strings.getItemAndSelector(name)
        cs.compile()
        out.append((cs.bytecode, fd))
    return out


def verify(out, ps_name, source, source_uvs):
    """Reads the written face back: name, code points, variation sequences
    and features must be what was asked for."""
    font = TTFont(out, lazy=True)
    if font["name"].getDebugName(6) != ps_name:
        sys.exit(f"{out}: PostScript name is {font['name'].getDebugName(6)}")
    have = set(font.getBestCmap())
    if have != source:
        sys.exit(f"{out}: code points differ from the source face: {span(have ^ source)}")
    uvs = sum(len(t.uvsDict[v]) for t in font["cmap"].tables if t.format == 14 for v in t.uvsDict)
    if uvs != source_uvs:
        sys.exit(f"{out}: {uvs} variation sequences, the source has {source_uvs}")
    # (The source also registers `vert` in GPOS; the subsetter keeps it.)
    for tag, wanted in (("GSUB", GSUB_FEATURES), ("GPOS", GPOS_FEATURES)):
        got = {r.FeatureTag for r in font[tag].table.FeatureList.FeatureRecord}
        if not set(wanted) <= got <= set(GSUB_FEATURES + GPOS_FEATURES):
            sys.exit(f"{out}: {tag} features {sorted(got)}, wanted {sorted(wanted)}")
    glyphs = font["maxp"].numGlyphs
    charset = font["CFF "].cff.topDictIndex[0].charset
    if any(name != f"cid{i:05d}" for i, name in enumerate(charset) if i):
        sys.exit(f"{out}: CIDs are not the glyph ids")
    font.close()
    return len(have), uvs, glyphs


def main():
    if fontTools.version != FONTTOOLS_VERSION:
        print(
            f"warning: fontTools {fontTools.version}; the committed files were made with "
            f"{FONTTOOLS_VERSION}, other versions may give other bytes",
            file=sys.stderr,
        )
    print(f"fontTools {fontTools.version}; source: {DEBIAN_PACKAGE} expected in {SRC_DIR}")
    for ttc, ps_name in FACES:
        src = os.path.join(SRC_DIR, ttc)
        out = os.path.join(OUT_DIR, ps_name + ".otf")
        index, source, source_uvs = make_face(src, ps_name, out)
        cps, uvs, glyphs = verify(out, ps_name, source, source_uvs)
        required = required_code_points(source)
        print(f"{src} (sha256 {sha256(src)}), face {index} {ps_name}:")
        print(f"  source face maps {len(source)} code points, {source_uvs} variation sequences")
        print(
            f"  {out}: {os.path.getsize(out)} bytes, {glyphs} glyphs, {cps} code points, "
            f"{uvs} variation sequences, sha256 {sha256(out)}"
        )
        print("  source code points left out: none (checked above)")
        print(
            f"  GB 18030-2022 level 1 and the blocks above not in the source face "
            f"({len(required - source)} of {len(required)}): {span(required - source)}"
        )


if __name__ == "__main__":
    main()
