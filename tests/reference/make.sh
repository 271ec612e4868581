#!/bin/sh
# Regenerates the reference look of the print edition: pages 1-4 of the
# seed book (cover, title page, contents, first article) as PNG at 60 dpi.
# Usage: tests/reference/make.sh   (from anywhere inside the repository)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
BINDERY_REFERENCE_PDF="$tmp/seed.pdf" cargo test --quiet --test pdf write_reference_pdf -- --ignored >/dev/null
pdftoppm -r 60 -png -f 1 -l 4 "$tmp/seed.pdf" "$tmp/page"
for i in 1 2 3 4; do
    cp "$tmp/page-0$i.png" "$here/page-$i.png" 2>/dev/null || cp "$tmp/page-$i.png" "$here/page-$i.png"
done
echo "wrote $here/page-1.png .. page-4.png"
