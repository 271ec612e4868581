#!/usr/bin/env python3
"""Rebuild the bundled fonts from Debian's fonts-noto-cjk collections.

The full Noto Serif CJK collections are ~26 MB each; the book needs only the
Simplified Chinese face, and only the characters a Chinese book can contain:
every GBK code point plus Latin, punctuation and symbol ranges. The OpenType
layout features a horizontal Chinese book uses are kept (kern, liga, halt,
palt, vertical forms). Run from the repository root:

    pip install fonttools==4.*
    apt-get install fonts-noto-cjk
    python3 fonts/make-fonts.py

The output is deterministic for the same input fonts and fontTools version.
"""
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

SRC_DIR = os.environ.get("NOTO_CJK_DIR", "/usr/share/fonts/opentype/noto")
OUT_DIR = os.path.dirname(os.path.abspath(__file__))
FACES = [
    ("NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular"),
    ("NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold"),
]
FEATURES = "ccmp,kern,liga,halt,palt,vert,vhal,vpal,vkrn"


def gbk_code_points():
    cps = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            try:
                s = bytes([lead, trail]).decode("gbk")
            except UnicodeDecodeError:
                continue
            cps.update(ord(c) for c in s)
    return cps


def extra_code_points():
    ranges = [
        (0x0020, 0x007E),  # ASCII
        (0x00A0, 0x017F),  # Latin-1, Latin Extended-A
        (0x2000, 0x206F),  # general punctuation (— … “ ” ‘ ’ ‧)
        (0x2100, 0x218F),  # letterlike symbols, number forms
        (0x2190, 0x21FF),  # arrows
        (0x2460, 0x24FF),  # enclosed numbers
        (0x25A0, 0x25FF),  # geometric shapes (the byline's □)
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0xFE10, 0xFE1F),  # vertical forms
        (0xFE30, 0xFE4F),  # CJK compatibility forms
        (0xFF00, 0xFFEF),  # full-width forms
    ]
    cps = set()
    for lo, hi in ranges:
        cps.update(range(lo, hi + 1))
    return cps


def face_index(collection_path, ps_name):
    coll = TTCollection(collection_path, lazy=True)
    for i, font in enumerate(coll.fonts):
        if font["name"].getDebugName(6) == ps_name:
            return i
    sys.exit(f"{collection_path}: no face named {ps_name}")


def main():
    cps = sorted(gbk_code_points() | extra_code_points())
    unicodes = ",".join(f"U+{cp:04X}" for cp in cps)
    for ttc, ps_name in FACES:
        src = os.path.join(SRC_DIR, ttc)
        out = os.path.join(OUT_DIR, ps_name + ".otf")
        index = face_index(src, ps_name)
        subset.main([
            src,
            f"--font-number={index}",
            f"--unicodes={unicodes}",
            f"--layout-features={FEATURES}",
            "--no-hinting",
            "--name-IDs=*",
            "--name-languages=*",
            "--notdef-outline",
            f"--output-file={out}",
        ])
        print(f"{out}: {os.path.getsize(out)} bytes, {len(cps)} code points requested")


if __name__ == "__main__":
    main()
