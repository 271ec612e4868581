#!/usr/bin/env bash
# The full acceptance run: 500 generated books (the test alone checks 40),
# built, checked with bindery check and with EPUBCheck in one JVM.
#   tests/valid/run-all.sh [BOOKS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/../.."
VALID_BOOKS="${1:-500}" VALID_SEED="${2:-20261130}" \
  cargo test --release --test valid_corpus -- --nocapture
