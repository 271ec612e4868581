#!/bin/sh
# Measures time and peak memory of `bindery check` on each hostile file.
# Usage: tests/hostile/measure.sh   (from the repository root; builds release)
# Prints: file, exit code, elapsed seconds, maximum resident set size (KB).
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
HOSTILE_DIR="$dir" cargo test -q --test check_hostile write_hostile_files -- --ignored >/dev/null
cargo build -q --release
printf '%-22s %4s %8s %10s\n' file exit seconds max_rss_kb
fail=0
for f in "$dir"/*; do
    code=0
    /usr/bin/time -f '%e %M' -o "$dir/.time" target/release/bindery check "$f" >/dev/null 2>&1 || code=$?
    read -r secs kb <<EOF
$(tail -n 1 "$dir/.time")
EOF
    printf '%-22s %4s %8s %10s\n' "$(basename "$f")" "$code" "$secs" "$kb"
    # Each must be an error (exit 1), in under 1 s and 100 MB.
    if [ "$code" != 1 ] || [ "$(echo "$secs >= 1" | bc)" = 1 ] || [ "$kb" -ge 102400 ]; then
        fail=1
    fi
done
exit $fail
