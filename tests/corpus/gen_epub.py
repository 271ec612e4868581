#!/usr/bin/env python3
"""Writes EPUBs for the check corpus: minimal EPUB 3 and EPUB 2 packages,
one per valid feature (SVG spine items, legacy font types, NFD hrefs, ...),
and broken variants, each breaking one rule EPUBCheck knows by an id.

Usage: gen_epub.py OUTDIR        (writes OUTDIR/*.epub)
"""
import io
import os
import struct
import sys
import unicodedata
import zipfile
import zlib

OUT = sys.argv[1]
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

TEXTS = {
    "zh": ("春天来了", "今天天气很好，我们一起去公园散步。树叶黄了，一片一片落下来。"),
    "en": ("Spring", "The weather is fine today; we walk in the park. Leaves fall one by one."),
}


def png(w=4, h=4):
    raw = b"".join(b"\0" + bytes([200, 100, 50] * w) for _ in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def woff(ttf):
    """Wraps an sfnt into WOFF 1.0 (each table deflated)."""
    num = struct.unpack(">H", ttf[4:6])[0]
    entries = []
    for i in range(num):
        tag, csum, off, length = struct.unpack(">4sIII", ttf[12 + 16 * i:28 + 16 * i])
        data = ttf[off:off + length]
        comp = zlib.compress(data)
        if len(comp) >= len(data):
            comp = data
        entries.append((tag, csum, comp, length))
    head = 44 + 20 * num
    body, dirs, off = b"", b"", head
    for tag, csum, comp, length in entries:
        dirs += struct.pack(">4sIIII", tag, off, len(comp), length, csum)
        pad = (4 - len(comp) % 4) % 4
        body += comp + b"\0" * pad
        off += len(comp) + pad
    header = struct.pack(">4s4sIHHIHHIIIII", b"wOFF", ttf[:4], head + len(body), num, 0,
                         len(ttf), 1, 0, 0, 0, 0, 0, 0)
    return header + dirs + body


def xhtml(title, body, lang="zh", head="", doctype="<!DOCTYPE html>", ns_extra="", lang_attrs=True):
    la = f' xml:lang="{lang}" lang="{lang}"' if lang_attrs else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"{ns_extra}{la}>\n'
            f"<head><title>{title}</title>{head}</head>\n<body>\n{body}\n</body>\n</html>\n")


def nav(entries, lang="zh", extra=""):
    lis = "".join(f'<li><a href="{h}">{t}</a></li>' for h, t in entries)
    return xhtml("Contents", f'<nav epub:type="toc" id="toc"><h1>Contents</h1><ol>{lis}</ol></nav>{extra}', lang)


class Book:
    def __init__(self, lang="zh", version="3.0"):
        self.lang = lang
        self.version = version
        self.files = {}
        self.items = []  # (id, href, media-type, properties, extra attrs)
        self.spine = []  # idref or (idref, attrs)
        self.meta = ""
        self.spine_attrs = ""
        self.mimetype_first = True
        self.mimetype_stored = True
        self.uid = "urn:uuid:12345678-1234-5678-1234-567812345678"
        self.title = "Corpus book"
        self.encryption = None

    def add(self, id_, href, mt, data, props="", spine=False, extra=""):
        self.files["EPUB/" + href] = data
        self.items.append((id_, href, mt, props, extra))
        if spine:
            self.spine.append(id_)

    def opf(self):
        items = "".join(
            f'<item id="{i}" href="{h}" media-type="{m}"' + (f' properties="{p}"' if p else "") + f"{x}/>\n"
            for i, h, m, p, x in self.items)
        refs = "".join(f'<itemref idref="{r.strip()}"/>\n' for r in self.spine)
        modified = '<meta property="dcterms:modified">2026-01-01T00:00:00Z</meta>' if self.version.startswith("3") else ""
        title = f"<dc:title>{self.title}</dc:title>" if self.title else ""
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" version="{self.version}" unique-identifier="uid">\n'
                f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf"><dc:identifier id="uid">{self.uid}</dc:identifier>'
                f'{title}<dc:language>{self.lang}</dc:language>{modified}{self.meta}</metadata>\n'
                f"<manifest>\n{items}</manifest>\n<spine{self.spine_attrs}>\n{refs}</spine>\n</package>\n")

    def write(self, name):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            def mimetype():
                z.writestr(zipfile.ZipInfo("mimetype"), b"application/epub+zip",
                           zipfile.ZIP_STORED if self.mimetype_stored else zipfile.ZIP_DEFLATED)
            if self.mimetype_first:
                mimetype()
            z.writestr("META-INF/container.xml",
                       '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
                       '<rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/></rootfiles></container>',
                       zipfile.ZIP_DEFLATED)
            if self.encryption:
                z.writestr("META-INF/encryption.xml", self.encryption, zipfile.ZIP_DEFLATED)
            z.writestr("EPUB/package.opf", self.opf(), zipfile.ZIP_DEFLATED)
            for k, v in self.files.items():
                z.writestr(k, v, zipfile.ZIP_DEFLATED)
            if not self.mimetype_first:
                mimetype()
        with open(os.path.join(OUT, name + ".epub"), "wb") as f:
            f.write(buf.getvalue())


def base(lang="zh", chapters=2, version="3.0"):
    b = Book(lang, version)
    title, para = TEXTS[lang]
    entries = []
    for i in range(1, chapters + 1):
        b.add(f"c{i}", f"c{i}.xhtml", "application/xhtml+xml",
              xhtml(f"{title} {i}", f'<h1 id="h{i}">{title} {i}</h1><p>{para}</p>', lang), spine=True)
        entries.append((f"c{i}.xhtml#h{i}", f"{title} {i}"))
    if version.startswith("3"):
        b.add("nav", "nav.xhtml", "application/xhtml+xml", nav(entries, lang), props="nav")
    return b


def set_c1(b, body, lang=None, head="", **kw):
    """Chapter 1 with its heading (the TOC links to it) and this body."""
    lang = lang or b.lang
    title = TEXTS[lang][0]
    b.files["EPUB/c1.xhtml"] = xhtml(title, f'<h1 id="h1">{title}</h1>{body}', lang, head=head, **kw).encode()


def with_ncx(b, entries=(("c1.xhtml", "One"),)):
    points = "".join(
        f'<navPoint id="p{i}" playOrder="{i}"><navLabel><text>{t}</text></navLabel><content src="{h}"/></navPoint>'
        for i, (h, t) in enumerate(entries, 1))
    b.add("ncx", "toc.ncx", "application/x-dtbncx+xml",
          '<?xml version="1.0" encoding="UTF-8"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
          f'<head><meta name="dtb:uid" content="{b.uid}"/></head><docTitle><text>{b.title}</text></docTitle>'
          f"<navMap>{points}</navMap></ncx>")
    b.spine_attrs = ' toc="ncx"'


def valid_variants(lang):
    """(name, Book) for every valid feature."""
    title, para = TEXTS[lang]
    out = []
    b = base(lang)
    out.append(("min", b))
    b = base(lang, chapters=6)
    out.append(("six-chapters", b))
    # No language on the documents (EPUB requires none).
    b = base(lang)
    set_c1(b, f"<p>{para}</p>", lang, lang_attrs=False)
    out.append(("no-doc-lang", b))
    # An SVG content document in the spine.
    b = base(lang)
    b.add("svg", "pic.svg", "image/svg+xml",
          '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 100 100">'
          f'<title>{title}</title><text x="10" y="50">{title}</text></svg>', spine=True)
    out.append(("svg-spine", b))
    # Fonts under legacy media types, and WOFF.
    ttf = open(DEJAVU, "rb").read()
    for i, (mt, ext, data) in enumerate([
            ("application/vnd.ms-opentype", "ttf", ttf), ("application/x-font-ttf", "ttf", ttf),
            ("application/font-sfnt", "ttf", ttf), ("application/x-font-woff", "woff", woff(ttf)),
            ("application/font-woff", "woff", woff(ttf)), ("font/woff", "woff", woff(ttf))]):
        b = base(lang)
        b.add("font", f"f.{ext}", mt, data)
        b.add("css", "s.css", "text/css",
              f'@font-face {{ font-family: "Body"; src: url("f.{ext}"); }}\nbody {{ font-family: "Body", serif; }}\n')
        set_c1(b, f"<p>{para}</p>", lang,
                                          head='<link rel="stylesheet" type="text/css" href="s.css"/>')
        out.append((f"font-legacy-{i}", b))
    # An href in NFD naming an NFC file.
    b = base(lang)
    nfc = unicodedata.normalize("NFC", "caf\u00e9.xhtml")
    nfd = unicodedata.normalize("NFD", nfc)
    b.add("cafe", nfc, "application/xhtml+xml", xhtml(title, f"<p>{para}</p>", lang), spine=True)
    set_c1(b, f'<p><a href="{nfd}">{para}</a></p>', lang)
    out.append(("nfd-href", b))
    # A manifest id with spaces around it.
    b = base(lang)
    b.items[0] = (" c1 ",) + b.items[0][1:]
    out.append(("id-spaces", b))
    # Scripted, inline SVG and MathML documents with their properties.
    b = base(lang)
    b.add("js", "x.js", "application/javascript", "var x = 1;")
    b.add("s1", "scripted.xhtml", "application/xhtml+xml",
          xhtml(title, f'<p>{para}</p><script src="x.js"></script>', lang), props="scripted", spine=True)
    b.add("s2", "svg.xhtml", "application/xhtml+xml",
          xhtml(title, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>', lang),
          props="svg", spine=True)
    b.add("s3", "math.xhtml", "application/xhtml+xml",
          xhtml(title, '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>', lang), props="mathml", spine=True)
    out.append(("properties", b))
    # Remote audio, declared.
    b = base(lang)
    b.add("a1", "https://example.org/a.mp3", "audio/mpeg", None)
    del b.files["EPUB/https://example.org/a.mp3"]
    b.add("s1", "audio.xhtml", "application/xhtml+xml",
          xhtml(title, '<audio src="https://example.org/a.mp3" controls="controls"></audio>', lang),
          props="remote-resources", spine=True)
    out.append(("remote-audio", b))
    # A foreign spine item with a fallback; a foreign image with one.
    b = base(lang)
    b.add("fx", "fallback.xhtml", "application/xhtml+xml", xhtml(title, f"<p>{para}</p>", lang))
    b.add("foreign", "data.foo", "application/x-foo", b"foreign", spine=True, extra=' fallback="fx"')
    b.add("pngfb", "pic.png", "image/png", png())
    b.add("tif", "pic.tif", "image/tiff", b"II*\0", extra=' fallback="pngfb"')
    set_c1(b, f'<p>{para}</p><p><img src="pic.tif" alt="x"/></p>', lang)
    out.append(("fallbacks", b))
    # cite, iframe, CSS url() and an image.
    b = base(lang)
    b.add("img", "pic.png", "image/png", png())
    b.add("css", "s.css", "text/css", 'body { background: url("pic.png") no-repeat; }\n')
    b.add("inner", "inner.xhtml", "application/xhtml+xml", xhtml(title, f"<p>{para}</p>", lang))
    set_c1(b, f'<blockquote cite="c2.xhtml"><p>{para}</p></blockquote><q cite="https://example.org/">q</q>'
        f'<iframe src="inner.xhtml" title="i"></iframe><p><img src="pic.png" alt="x"/></p>', lang,
        head='<link rel="stylesheet" type="text/css" href="s.css"/>')
    out.append(("references", b))
    # TOC out of spine order: a warning in EPUBCheck, not an error.
    b = base(lang)
    b.files["EPUB/nav.xhtml"] = nav([("c2.xhtml", "2"), ("c1.xhtml", "1")], lang).encode()
    out.append(("toc-order", b))
    # A PNG with a .jpg extension, declared as PNG: a warning only.
    b = base(lang)
    b.add("img", "pic.jpg", "image/png", png())
    set_c1(b, f'<p>{para}</p><p><img src="pic.jpg" alt="x"/></p>', lang)
    out.append(("image-extension", b))
    # IDPF-obfuscated font.
    b = base(lang)
    import hashlib
    key = hashlib.sha1(b.uid.encode()).digest()
    obf = bytes(c ^ key[i % 20] if i < 1040 else c for i, c in enumerate(ttf))
    b.add("font", "f.ttf", "font/ttf", obf)
    b.add("css", "s.css", "text/css", '@font-face { font-family: "B"; src: url("f.ttf"); }\nbody { font-family: "B"; }\n')
    set_c1(b, f"<p>{para}</p>", lang,
                                      head='<link rel="stylesheet" type="text/css" href="s.css"/>')
    b.encryption = ('<?xml version="1.0"?><encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
                    'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
                    '<enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>'
                    '<enc:CipherData><enc:CipherReference URI="EPUB/f.ttf"/></enc:CipherData></enc:EncryptedData></encryption>')
    out.append(("obfuscated-font", b))
    # A page-list with page breaks and the pagination source.
    b = base(lang)
    set_c1(b, f'<p>{para}<span epub:type="pagebreak" role="doc-pagebreak" id="p1" aria-label="1"/></p>', lang)
    b.files["EPUB/nav.xhtml"] = nav([("c1.xhtml", "1"), ("c2.xhtml", "2")], lang,
                                    extra='<nav epub:type="page-list" hidden="hidden"><ol><li><a href="c1.xhtml#p1">1</a></li></ol></nav>').encode()
    b.meta = '<dc:source id="src">urn:isbn:9780000000002</dc:source><meta refines="#src" property="source-of">pagination</meta>'
    out.append(("page-list", b))
    # EPUB 2: an NCX, no navigation document, XHTML 1.1 with &nbsp;.
    for i, doctype in enumerate(['<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">', ""]):
        b = base(lang, version="2.0")
        for n in (1, 2):
            b.files[f"EPUB/c{n}.xhtml"] = (
                '<?xml version="1.0" encoding="UTF-8"?>\n' + doctype +
                f'\n<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{lang}"><head><title>{title}</title></head>'
                f'<body><h1 id="h{n}">{title}</h1><p>{para}{"&nbsp;" if doctype else ""}</p></body></html>').encode()
        with_ncx(b, [("c1.xhtml", "1"), ("c2.xhtml#h2", "2")])
        out.append((f"epub2-{i}", b))
    return out


def invalid_variants(lang):
    """(name, Book): each breaks one rule (EPUBCheck id in the name)."""
    title, para = TEXTS[lang]
    out = []

    def doc(b, body, head=""):
        set_c1(b, body, lang, head=head)

    b = base(lang); b.add("img", "pic.png", "image/png", png())
    doc(b, '<p><img src="https://example.org/pic.png" alt="x"/></p>')
    out.append(("RSC-006-remote-img", b))
    b = base(lang); b.add("css", "s.css", "text/css", "p{}")
    doc(b, "<p>x</p>", head='<link rel="stylesheet" href="https://example.org/s.css"/>')
    out.append(("RSC-006-remote-css", b))
    b = base(lang); b.add("js", "x.js", "application/javascript", "var x;")
    doc(b, '<p>x</p><script src="x.js"></script>')
    out.append(("OPF-014-scripted", b))
    b = base(lang); doc(b, '<form action="x"><p>x</p></form>')
    out.append(("OPF-014-form", b))
    b = base(lang); doc(b, '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>')
    out.append(("OPF-014-mathml", b))
    b = base(lang); doc(b, '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="2" height="2"/></svg>')
    out.append(("OPF-014-svg", b))
    b = base(lang); b.add("tif", "pic.tif", "image/tiff", b"II*\0")
    doc(b, '<p><img src="pic.tif" alt="x"/></p>')
    out.append(("RSC-032-foreign-img", b))
    for attr, body in [("cite", '<blockquote cite="gone.xhtml"><p>x</p></blockquote>'),
                       ("iframe", '<iframe src="gone.xhtml" title="x"></iframe>'),
                       ("img", '<p><img src="gone.png" alt="x"/></p>'),
                       ("a", '<p><a href="gone.xhtml">x</a></p>'),
                       ("track", '<video src="v.mp4" controls="controls"><track src="gone.vtt" kind="captions" srclang="en"/></video>')]:
        b = base(lang)
        if attr == "track":
            b.add("v", "v.mp4", "video/mp4", b"\0\0\0\x18ftypmp42")
        doc(b, body)
        out.append((f"RSC-007-{attr}", b))
    b = base(lang); b.add("css", "s.css", "text/css", 'body { background: url("gone.png"); }')
    doc(b, "<p>x</p>", head='<link rel="stylesheet" type="text/css" href="s.css"/>')
    out.append(("RSC-007-css-url", b))
    b = base(lang); b.add("cx", "C1.xhtml", "application/xhtml+xml", xhtml(title, "<p>x</p>", lang))
    out.append(("OPF-060-case", b))
    b = base(lang)
    nfc = unicodedata.normalize("NFC", "caf\u00e9.xhtml")
    b.add("n1", nfc, "application/xhtml+xml", xhtml(title, "<p>x</p>", lang))
    b.add("n2", unicodedata.normalize("NFD", nfc), "application/xhtml+xml", xhtml(title, "<p>y</p>", lang))
    out.append(("OPF-060-nfc", b))
    b = base(lang); b.title = ""
    out.append(("RSC-005-no-title", b))
    b = base(lang); b.items = [i for i in b.items if i[0] != "nav"]; del b.files["EPUB/nav.xhtml"]
    out.append(("RSC-005-no-nav", b))
    b = base(lang); b.add("img", "pic.png", "image/jpeg", png())
    doc(b, '<p><img src="pic.png" alt="x"/></p>')
    out.append(("OPF-029-image-type", b))
    b = base(lang); doc(b, '<p><a href="c2.xhtml#nowhere">x</a></p>')
    out.append(("RSC-012-fragment", b))
    b = base(lang); b.mimetype_first = False
    out.append(("PKG-006-mimetype", b))
    b = base(lang); b.add("foo", "data.foo", "application/x-foo", b"x", spine=True)
    out.append(("OPF-043-foreign-spine", b))
    b = base(lang); b.add("gone", "gone.xhtml", "application/xhtml+xml", "")
    del b.files["EPUB/gone.xhtml"]
    out.append(("RSC-001-missing", b))
    b = base(lang); b.spine.append("nothere")
    out.append(("OPF-049-idref", b))
    b = base(lang, version="2.0")
    out.append(("RSC-005-epub2-no-ncx", b))
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    n = 0
    for lang in ("zh", "en"):
        for name, b in valid_variants(lang) + invalid_variants(lang):
            b.write(f"own-{lang}-{name}")
            n += 1
    print(n)


main()
