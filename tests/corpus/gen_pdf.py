#!/usr/bin/env python3
"""Writes PDFs and PostScript programs for the check corpus.

- own-*.pdf: a small PDF writer of this script: the standard 14 fonts under
  each standard encoding and /Differences, LZW- and Flate-compressed
  content, xref tables or predictor-encoded xref streams with object
  streams, page sizes from A5 to Legal;
- reportlab-*.pdf and fpdf-*.pdf: the libraries, with standard and
  embedded TrueType (DejaVu) fonts;
- ps-*.ps: PostScript programs for Ghostscript to distil.

Usage: gen_pdf.py OUTDIR
"""
import os
import struct
import sys
import zlib

OUT = sys.argv[1]
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SIZES = {"A4": (595.28, 841.89), "Letter": (612, 792), "A5": (419.53, 595.28),
         "Legal": (612, 1008), "Square": (500, 500)}
LINES = ["The quick brown fox jumps over the lazy dog.",
         "Pack my box with five dozen liquor jugs, 1234567890.",
         "Caf\xe9 na\xefve r\xe9sum\xe9 \u2014 \u201cquoted\u201d text."]


def lzw_encode(data):
    """LZWDecode's encoding (8-bit, EarlyChange 1)."""
    table = {bytes([i]): i for i in range(256)}
    nxt, width, out, acc, nbits = 258, 9, [], 0, 0

    def emit(code):
        nonlocal acc, nbits
        acc = (acc << width) | code
        nbits += width
        while nbits >= 8:
            nbits -= 8
            out.append((acc >> nbits) & 0xFF)

    emit(256)
    w = b""
    for c in data:
        wc = w + bytes([c])
        if wc in table:
            w = wc
            continue
        emit(table[w])
        table[wc] = nxt
        nxt += 1
        if nxt + 1 >= (1 << width):
            if width == 12:
                emit(256)
                table = {bytes([i]): i for i in range(256)}
                nxt, width = 258, 9
            else:
                width += 1
        w = bytes([c])
    if w:
        emit(table[w])
    emit(257)
    if nbits:
        out.append((acc << (8 - nbits)) & 0xFF)
    return bytes(out)


def esc(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


class Pdf:
    def __init__(self):
        self.objs = []

    def add(self, body):
        self.objs.append(body)
        return len(self.objs)

    def stream(self, data, filt=None, extra=""):
        if filt == "Flate":
            data, f = zlib.compress(data), " /Filter /FlateDecode"
        elif filt == "LZW":
            data, f = lzw_encode(data), " /Filter /LZWDecode"
        elif filt == "AHx":
            data, f = data.hex().encode() + b">", " /Filter /ASCIIHexDecode"
        else:
            f = ""
        return (f"<< /Length {len(data)}{f}{extra} >>\nstream\n").encode() + data + b"\nendstream"

    def write(self, path, root, info=None, xref_stream=False, objstm=False):
        out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
        bodies = [b if isinstance(b, bytes) else b.encode("latin-1") for b in self.objs]
        offsets, in_stm = {}, {}
        stm_nums = []
        if objstm:
            # Every non-stream object goes into one object stream.
            stm_nums = [i + 1 for i, b in enumerate(bodies) if b"stream\n" not in b]
            head, data = b"", b""
            for k, n in enumerate(stm_nums):
                head += f"{n} {len(data)} ".encode()
                data += bodies[n - 1] + b"\n"
                in_stm[n] = k
            comp = zlib.compress(head + data)
            bodies.append(f"<< /Type /ObjStm /N {len(stm_nums)} /First {len(head)} /Length {len(comp)} /Filter /FlateDecode >>\nstream\n".encode()
                          + comp + b"\nendstream")
        stm_obj = len(bodies) if objstm else None
        for i, b in enumerate(bodies, 1):
            if i in in_stm:
                continue
            offsets[i] = len(out)
            out += f"{i} 0 obj\n".encode() + b + b"\nendobj\n"
        info_s = f" /Info {info} 0 R" if info else ""
        if not xref_stream:
            x = len(out)
            out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
            for i in range(1, len(bodies) + 1):
                out += f"{offsets[i]:010} 00000 n \n".encode()
            out += f"trailer\n<< /Size {len(bodies) + 1} /Root {root} 0 R{info_s} >>\nstartxref\n{x}\n%%EOF\n".encode()
        else:
            n = len(bodies) + 1
            # /W [1 4 2]: type, offset or object stream, generation or index.
            rows = [struct.pack(">BIH", 0, 0, 0xFFFF)]
            for i in range(1, n):
                if i in in_stm:
                    rows.append(struct.pack(">BIH", 2, stm_obj, in_stm[i]))
                else:
                    rows.append(struct.pack(">BIH", 1, offsets[i], 0))
            x = len(out)
            rows.append(struct.pack(">BIH", 1, x, 0))
            # PNG "Up" predictor, as most writers use for xref streams.
            prev, enc = bytes(7), b""
            for r in rows:
                enc += b"\x02" + bytes((a - p) & 0xFF for a, p in zip(r, prev))
                prev = r
            comp = zlib.compress(enc)
            out += (f"{n} 0 obj\n<< /Type /XRef /Size {n + 1} /W [1 4 2] /Root {root} 0 R{info_s} "
                    f"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 7 >> /Length {len(comp)} >>\nstream\n").encode()
            out += comp + b"\nendstream\nendobj\n"
            out += f"startxref\n{x}\n%%EOF\n".encode()
        with open(path, "wb") as f:
            f.write(out)


def own(name, font="Helvetica", encoding="/WinAnsiEncoding", filt=None, size="A4",
        pages=2, xref_stream=False, objstm=False, differences=False):
    p = Pdf()
    cat = p.add("<< /Type /Catalog /Pages 2 0 R >>")
    p.add("PAGES")
    enc = encoding
    if differences:
        enc = "<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [65 /Alpha /Beta 97 /a.sc /uni00E9 /f_i] >>"
    fnt = p.add(f"<< /Type /Font /Subtype /Type1 /BaseFont /{font}" + (f" /Encoding {enc}" if enc else "") + " >>")
    w, h = SIZES[size]
    kids = []
    codec = {"/WinAnsiEncoding": "cp1252", "/MacRomanEncoding": "mac_roman"}.get(encoding, "ascii")
    if differences:
        codec = "cp1252"
    for n in range(pages):
        text = b"".join(b"(" + esc(line).encode(codec, "replace") + b") Tj 0 -18 Td " for line in LINES)
        content = f"BT /F1 12 Tf 72 {h - 90} Td (Page {n + 1}) Tj 0 -24 Td ".encode() + text + b"ET"
        c = p.add(p.stream(content, filt))
        kids.append(p.add(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] /Contents {c} 0 R "
                          f"/Resources << /Font << /F1 {fnt} 0 R >> >> >>"))
    p.objs[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    info = p.add("<< /Title (Corpus) /Producer (gen_pdf.py) >>")
    p.write(os.path.join(OUT, name + ".pdf"), cat, info, xref_stream=xref_stream or objstm, objstm=objstm)


def own_variants():
    n = 0
    fonts = ["Helvetica", "Times-Roman", "Courier", "Helvetica-Bold", "Times-Italic", "Courier-BoldOblique"]
    encs = ["/WinAnsiEncoding", "/MacRomanEncoding", "/StandardEncoding", None]
    for i, font in enumerate(fonts):
        for j, enc in enumerate(encs):
            for filt in (None, "Flate", "LZW", "AHx"):
                size = list(SIZES)[(i + j) % len(SIZES)]
                xs = (i + j) % 3 == 1
                os_ = (i + j) % 3 == 2
                own(f"own-{font}-{j}-{filt}", font, enc, filt, size, xref_stream=xs, objstm=os_)
                n += 1
    for filt in (None, "LZW"):
        own(f"own-differences-{filt}", differences=True, filt=filt)
        n += 1
    return n


def reportlab_variants():
    from reportlab.lib.pagesizes import A4, A5, letter, legal
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(TTFont("DejaVu", DEJAVU))
    n = 0
    for i, size in enumerate([A4, A5, letter, legal]):
        for font in ["Helvetica", "Times-Roman", "Courier", "DejaVu"]:
            for compress in (0, 1):
                path = os.path.join(OUT, f"reportlab-{i}-{font}-{compress}.pdf")
                c = canvas.Canvas(path, pagesize=size, pageCompression=compress)
                c.setTitle("Corpus")
                for page in range(2):
                    c.setFont(font, 12)
                    for k, line in enumerate(LINES):
                        c.drawString(72, size[1] - 72 - 18 * k, line if font == "DejaVu" else line.encode("latin-1", "replace").decode("latin-1"))
                    c.bookmarkPage(f"p{page}")
                    c.addOutlineEntry(f"Page {page + 1}", f"p{page}")
                    c.showPage()
                c.save()
                n += 1
    return n


def fpdf_variants():
    from fpdf import FPDF
    n = 0
    for i, fmt in enumerate(["A4", "A5", "Letter", "Legal"]):
        for font in ["helvetica", "times", "courier", "dejavu"]:
            pdf = FPDF(format=fmt)
            if font == "dejavu":
                pdf.add_font("dejavu", fname=DEJAVU)
            pdf.set_title("Corpus")
            for page in range(2):
                pdf.add_page()
                pdf.set_font(font, size=12)
                for line in LINES:
                    t = line if font == "dejavu" else line.encode("latin-1", "replace").decode("latin-1")
                    pdf.cell(0, 10, t, new_x="LMARGIN", new_y="NEXT")
            pdf.output(os.path.join(OUT, f"fpdf-{i}-{font}.pdf"))
            n += 1
    return n


def ps_variants():
    n = 0
    for i, font in enumerate(["Helvetica", "Times-Roman", "Courier", "Helvetica-Oblique", "Times-Bold", "Courier-Bold"]):
        for j, size in enumerate(SIZES):
            w, h = SIZES[size]
            lines = "".join(f"72 {h - 100 - 18 * k} moveto ({esc(l.encode('ascii', 'replace').decode())}) show\n"
                            for k, l in enumerate(LINES))
            prog = (f"%!PS-Adobe-3.0\n<< /PageSize [{w} {h}] >> setpagedevice\n"
                    f"/{font} findfont 12 scalefont setfont\n{lines}showpage\n{lines}showpage\n")
            with open(os.path.join(OUT, f"ps-{i}-{j}.ps"), "w") as f:
                f.write(prog)
            n += 1
    return n


os.makedirs(OUT, exist_ok=True)
print(own_variants() + reportlab_variants() + fpdf_variants(), ps_variants())
