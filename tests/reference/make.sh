#!/bin/sh
# Regenerates the reference look of the print edition: pages 1-4 of the
# seed book (cover, title page, contents, first article) as PNG at 60 dpi,
# from the same command a user runs.
# Usage: tests/reference/make.sh   (from anywhere inside the repository)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
SOURCE_DATE_EPOCH=1700000000 cargo run --quiet --release -- -q build --pdf --book book --out "$tmp"
pdftoppm -r 60 -png -f 1 -l 4 "$tmp/book.pdf" "$tmp/page"
for i in 1 2 3 4; do
    cp "$tmp/page-0$i.png" "$here/page-$i.png" 2>/dev/null || cp "$tmp/page-$i.png" "$here/page-$i.png"
done
echo "wrote $here/page-1.png .. page-4.png"
