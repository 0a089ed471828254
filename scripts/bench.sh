#!/usr/bin/env bash
# Times `ocs-studio build` against zip -r -6 + split -b 5M + md5sum (and cp + md5sum for one big file) on
# generated corpora, and prints a Markdown table (docs/performance.md explains it).
# Usage: scripts/bench.sh [a] [b] [c] [--runs N] [--work DIR]   (corpora are kept in DIR between runs)
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for p in zip time; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" >&2
# Without arguments: every corpus, median of 5 runs (what docs/performance.md reports).
[ $# -gt 0 ] || set -- a b c --runs 5
cargo bench --bench build_vs_zip -- "$@"
