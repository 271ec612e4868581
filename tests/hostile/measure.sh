#!/bin/sh
# Measures time and peak memory of `bindery check` on each hostile file and
# on each large file built to make a checker quadratic.
# Usage: tests/hostile/measure.sh   (from the repository root; builds release)
# Prints: file, exit code, elapsed and CPU (user + system) seconds, maximum
# resident set size (KB). Hostile files must fail (exit 1); every file must
# take under 1 s of CPU and 100 MB. CPU time is the bound because elapsed
# time grows with whatever else the machine runs.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
HOSTILE_DIR="$dir" cargo test -q --release --test check_hostile write_hostile_files -- --ignored >/dev/null
cargo build -q --release
printf '%-32s %4s %8s %8s %10s\n' file exit elapsed cpu max_rss_kb
fail=0
for f in "$dir"/* "$dir"/large/*; do
    [ -f "$f" ] || continue
    code=0
    /usr/bin/time -f '%e %U %S %M' -o "$dir/.time" target/release/bindery check "$f" >/dev/null 2>&1 || code=$?
    read -r secs user sys kb <<EOT
$(tail -n 1 "$dir/.time")
EOT
    cpu=$(echo "$user + $sys" | bc)
    printf '%-32s %4s %8s %8s %10s\n' "$(basename "$f")" "$code" "$secs" "$cpu" "$kb"
    case "$f" in
        */large/*) ;;
        *) [ "$code" = 1 ] || fail=1 ;;
    esac
    if [ "$(echo "$cpu >= 1" | bc)" = 1 ] || [ "$kb" -ge 102400 ]; then
        fail=1
    fi
done
exit $fail
