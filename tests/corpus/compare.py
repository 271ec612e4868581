#!/usr/bin/env python3
"""Compares `bindery check` with the oracles over a corpus made by
make-check-corpus.sh; prints the summary and writes results.tsv.

Usage: compare.py OUTDIR
"""
import collections
import json
import os
import sys

OUT = sys.argv[1]


def reports(path):
    text = open(path, encoding="utf-8").read()
    dec, i, out = json.JSONDecoder(), 0, {}
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        doc, i = dec.raw_decode(text, i)
        for f in doc["files"]:
            out[os.path.basename(f["path"])] = f


rows = []
# EPUB: valid when EPUBCheck reports no ERROR or FATAL.
ours = reports(os.path.join(OUT, "bindery-epub.jsonl"))
epub_ids = {}
for name in sorted(os.listdir(os.path.join(OUT, "epub"))):
    js = os.path.join(OUT, "epubcheck", name + ".json")
    if not os.path.exists(js):
        ids, valid = {"NO-REPORT"}, False
    else:
        msgs = json.load(open(js, encoding="utf-8")).get("messages", [])
        ids = {m["ID"] for m in msgs if m["severity"] in ("ERROR", "FATAL")}
        valid = not ids
    epub_ids[name] = ids
    r = ours.get(name)
    rows.append(("epub", name, valid, r is not None and r["errors"] == 0, r))
# PDF: valid when qpdf and pdfinfo open it and pdftotext extracts text.
ours = reports(os.path.join(OUT, "bindery-pdf.jsonl"))
for line in open(os.path.join(OUT, "pdf-oracle.tsv")):
    name, q, i, t = line.rstrip("\n").split("\t")
    valid = q in ("0", "3") and i == "0" and int(t or 0) > 0
    r = ours.get(name)
    rows.append(("pdf", name, valid, r is not None and r["errors"] == 0, r))

with open(os.path.join(OUT, "results.tsv"), "w") as f:
    f.write("type\tfile\toracle\tbindery\trules\n")
    for kind, name, valid, passed, r in rows:
        rules = sorted({x["rule"] for x in (r or {}).get("findings", []) if x["severity"] == "error"})
        f.write(f"{kind}\t{name}\t{'valid' if valid else 'invalid'}\t{'pass' if passed else 'fail'}\t{','.join(rules)}\n")

for kind in ("epub", "pdf"):
    sel = [x for x in rows if x[0] == kind]
    valid = [x for x in sel if x[2]]
    fp = [x for x in valid if not x[3]]
    invalid = [x for x in sel if not x[2]]
    caught = [x for x in invalid if not x[3]]
    print(f"{kind}: {len(sel)} files, {len(valid)} oracle-valid, false positives {len(fp)}, "
          f"oracle-invalid {len(invalid)}, also failed by bindery {len(caught)}")
    for x in fp:
        errs = [f"{e['rule']}: {e['message']}" for e in x[4]["findings"] if e["severity"] == "error"] if x[4] else ["no report"]
        print(f"  FALSE POSITIVE {x[1]}: {errs[:3]}")
# False negatives by EPUBCheck message id.
by_id = collections.defaultdict(lambda: [0, 0])
for kind, name, valid, passed, r in rows:
    if kind != "epub" or valid:
        continue
    for i in epub_ids[name]:
        by_id[i][0] += 1
        by_id[i][1] += 0 if passed else 1
print("epubcheck-id files-with-id also-failed-by-bindery")
for i, (n, c) in sorted(by_id.items()):
    print(f"  {i} {n} {c}")
