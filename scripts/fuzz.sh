#!/usr/bin/env bash
# Fuzzes every parser of outside data with cargo fuzz (libFuzzer, nightly toolchain), each target for a bounded time,
# keeping the corpus in fuzz/corpus/<target> (committed) and any crash in fuzz/artifacts/<target> (each crash found
# becomes a regression test). Prints executions and coverage per target.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]     (default 60 s, every target; 2 targets at a time)
#        scripts/fuzz.sh cmin [TARGET…]   keeps only the corpus inputs that add coverage (run it before committing a
#                                         grown corpus; prints the file count before and after)
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=run
if [ "${1:-}" = cmin ]; then MODE=cmin; shift; SECS=0; else SECS=${1:-60}; shift || true; fi
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list --fuzz-dir fuzz)
cargo +nightly fuzz build --fuzz-dir fuzz -O >/dev/null 2>&1 || cargo +nightly fuzz build --fuzz-dir fuzz -O
export FUZZ_TMP=${FUZZ_TMP:-/dev/shm}
# Installers are bigger than libFuzzer's default 4 KiB inputs (the corpus holds a wixl MSI and an NSIS setup).
max_len() { [ "$1" = installers ] && echo -max_len=131072 || true; }
if [ $MODE = cmin ]; then
    for t in "${targets[@]}"; do
        before=$(find "fuzz/corpus/$t" -type f | wc -l)
        log=$(mktemp)
        cargo +nightly fuzz cmin --fuzz-dir fuzz -O "$t" "fuzz/corpus/$t" -- -rss_limit_mb=2048 $(max_len "$t") >"$log" 2>&1 \
            || { tail -30 "$log" >&2; exit 1; }
        printf '%s: %s -> %s inputs (%s)\n' "$t" "$before" "$(find "fuzz/corpus/$t" -type f | wc -l)" \
            "$(grep -E 'MERGE-OUTER: [0-9]+ new files' "$log" | tail -1 | sed 's/.*MERGE-OUTER: //')"
        rm -f "$log"
    done
    exit 0
fi
run() {
    local t=$1 log
    log=$(mktemp)
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    if cargo +nightly fuzz run --fuzz-dir fuzz -O "$t" "fuzz/corpus/$t" -- -max_total_time="$SECS" -rss_limit_mb=2048 \
        $(max_len "$t") -artifact_prefix="fuzz/artifacts/$t/" >"$log" 2>&1; then
        status=ok
    else
        status=CRASH
    fi
    done_line=$(grep -E '^#[0-9]+\s+DONE' "$log" | tail -1 || true)
    [ -n "$done_line" ] || done_line=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    printf '| %s | %s | %s |\n' "$t" "$status" "$(echo "$done_line" | sed -E 's/^#([0-9]+)\s+[A-Z]+\s+/\1 execs, /; s/\s+/ /g')"
    [ $status = ok ] || { tail -30 "$log" >&2; }
    rm -f "$log"
}
echo "| target | result | executions, coverage (libFuzzer's last line), ${SECS} s |"
echo "|---|---|---|"
i=0
for t in "${targets[@]}"; do
    run "$t" &
    i=$((i + 1))
    if [ $((i % 2)) = 0 ]; then wait; fi
done
wait
