#!/usr/bin/env bash
# Whole-process speed and memory of `bindery build` (EPUB + PDF) on the seed
# book and on 200- and 1000-article books made from it, side by side with
# Typst (PDF only, through its PyPI binding, `pip install typst`) setting the
# same text from tests/benches/compare.typ, and `bindery check` of the
# 1000-article editions. Each figure is the median of RUNS runs after one
# warm-up; memory is the peak resident set (/usr/bin/time %M) of the median
# run's process. Nothing is subtracted (Typst's figure includes Python's start).
#
#   tests/benches/compare.sh            # builds the release binary first
#   BINDERY=path/to/bindery RUNS=5 SIZES="200 1000" tests/benches/compare.sh
#
# Prints a Markdown table; asserts nothing.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${RUNS:-5}
sizes=${SIZES:-"200 1000"}
if [[ -z "${BINDERY:-}" ]]; then
    (cd "$root" && cargo build --release --quiet)
    BINDERY=$root/target/release/bindery
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000

# A book of N articles: the seed's chapter files over and over (0001.md …),
# with the seed's book.toml whose chapter list names them.
generate() {
    local n=$1 dir=$2
    mkdir -p "$dir"
    cp -r "$root/book/source" "$dir/"
    local seed=("$root"/book/0*.md) i name list=""
    for ((i = 0; i < n; i++)); do
        name=$(printf '%04d.md' $((i + 1)))
        cp "${seed[i % ${#seed[@]}]}" "$dir/$name"
        list+="  \"$name\",\n"
    done
    awk -v list="$list" '
        /^chapters = \[/ { print; printf "%s", list; skip = 1; next }
        skip && /^\]/ { skip = 0 }
        !skip { print }' "$root/book/book.toml" >"$dir/book.toml"
}

# Runs a command RUNS times after a warm-up; prints "median_seconds peak_kb".
measure() {
    local i t0 t1 out=() kb
    "$@" >/dev/null 2>&1
    for ((i = 0; i < runs; i++)); do
        t0=$(date +%s%N)
        /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1
        t1=$(date +%s%N)
        kb=$(tail -n1 "$work/rss")
        out+=("$(((t1 - t0) / 1000)) $kb")
    done
    printf '%s\n' "${out[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p" |
        awk '{ printf "%.3f %d\n", $1 / 1e6, $2 }'
}

typst_ok=0
if python3 -c 'import typst' 2>/dev/null; then typst_ok=1; fi
typst_version=$( ((typst_ok)) && python3 -c 'import typst; print(typst.__version__)' || echo "not installed")

# Typst on a book folder: the template gets the folder and its chapter list.
typst_script='import sys, typst
typst.compile(sys.argv[1], output=sys.argv[2], root="/", font_paths=[sys.argv[3]],
              ignore_system_fonts=True, sys_inputs={"dir": sys.argv[4], "files": sys.argv[5]})'
chapter_list() {
    awk -F'"' '/^  "/ { printf "%s%s", sep, $2; sep = "," }' "$1/book.toml"
}

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bindery: $BINDERY; Typst: $typst_version; median of $runs runs after a warm-up"
echo
echo "| book | Markdown | bindery build (EPUB + PDF) | Typst (PDF only) | Typst / bindery |"
echo "|---|---|---|---|---|"
books=(seed)
for n in $sizes; do books+=("$n"); done
for b in "${books[@]}"; do
    if [[ $b == seed ]]; then
        dir=$work/seed
        generate 5 "$dir"
        label="seed (5 articles)"
    else
        dir=$work/b$b
        generate "$b" "$dir"
        label="$b articles"
    fi
    md=$(cat "$dir"/*.md | wc -c | awk '{ printf "%.2f MB", $1 / 1e6 }')
    read -r bt bkb < <(measure "$BINDERY" --quiet build --book "$dir" --out "$work/out-$b")
    cell_b=$(printf '%.3f s, %d MB' "$bt" $((bkb / 1024)))
    cell_t="—"
    ratio="—"
    if ((typst_ok)); then
        read -r tt tkb < <(measure python3 -c "$typst_script" "$root/tests/benches/compare.typ" \
            "$work/typst-$b.pdf" "$root/fonts" "$dir" "$(chapter_list "$dir")")
        cell_t=$(printf '%.3f s, %d MB' "$tt" $((tkb / 1024)))
        ratio=$(awk -v t="$tt" -v b="$bt" 'BEGIN { printf "%.1f×", t / b }')
    fi
    echo "| $label | $md | $cell_b | $cell_t | $ratio |"
done

last=${books[-1]}
if [[ $last != seed ]]; then
    echo
    echo "| check of the $last-article editions | time | peak memory | sizes |"
    echo "|---|---|---|---|"
    epub=$(ls "$work/out-$last"/*.epub) pdf=$(ls "$work/out-$last"/*.pdf)
    read -r ct ckb < <(measure "$BINDERY" --quiet check "$epub" "$pdf")
    sizes_kb=$(du -k "$epub" "$pdf" | awk '{ printf "%s%d KB", sep, $1; sep = " + " }')
    printf '| `bindery check` EPUB + PDF | %.3f s | %d MB | %s |\n' "$ct" $((ckb / 1024)) "$sizes_kb"
fi
