#!/usr/bin/env bash
# Copy throughput to a redistribution server: `ocs-studio relay copy` against plain `scp -r` of the same package
# folder, to the loopback test SSH servers (scripts/ocs-server/ssh-servers.sh), in the same run, median of N runs.
# Prints a Markdown table (docs/servers.md quotes it).
# Usage: scripts/bench-relay.sh [SIZE_MIB] [RUNS]      (default 256 MiB, 3 runs; as root, test servers up)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-256}
RUNS=${2:-3}
STATE=/var/lib/ocs-studio-test
KEY=$STATE/ssh/id_ed25519
RELAY=$STATE/relays/relay1/download
[ -s "$KEY" ] || { echo "the test SSH servers are not set up: run scripts/ocs-server/setup.sh" >&2; exit 1; }
cargo build --release --quiet --bin ocs-studio
BIN=$PWD/target/release/ocs-studio
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export XDG_CONFIG_HOME=$W/config OCS_STUDIO_KNOWN_HOSTS=$W/known_hosts HOME=$W
mkdir -p "$W/app"
head -c "${SIZE}M" /dev/urandom >"$W/app/data.bin"
echo 'echo ok' >"$W/app/install.bat"
dir=$("$BIN" build "$W/app" --out "$W/out" --action execute --command install.bat --fragment-size 10MiB --name Bench --json |
      sed -n 's/.*"dir": "\(.*\)".*/\1/p')
id=$(basename "$dir")
bytes=$(cat "$dir"/"$id"-* | wc -c)
fp=$(ssh-keygen -lf "$STATE/ssh/relay1/ssh_host_ed25519_key.pub" | awk '{print $2}')
"$BIN" ssh trust ocsstudio@127.0.0.1:2231 --fingerprint "$fp" >/dev/null
"$BIN" relay add bench ocsstudio@127.0.0.1:2231 --dir "$RELAY" --url localhost/relay1/download --key "$KEY" >/dev/null
printf '[127.0.0.1]:2231 %s\n' "$(cut -d' ' -f1,2 "$STATE/ssh/relay1/ssh_host_ed25519_key.pub")" >"$W/ssh_known_hosts"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }
studio_t=(); scp_t=()
for _ in $(seq 1 "$RUNS"); do
    rm -rf "${RELAY:?}/$id" "$RELAY/.$id.ocs-studio-partial"
    t0=$(now); "$BIN" relay copy "$dir" --to bench --json >/dev/null; t1=$(now)
    studio_t+=("$(echo "$t1 - $t0" | bc)")
    rm -rf "${RELAY:?}/$id"
    t0=$(now); scp -q -r -i "$KEY" -o UserKnownHostsFile="$W/ssh_known_hosts" -o StrictHostKeyChecking=yes -P 2231 "$dir" "ocsstudio@127.0.0.1:$RELAY/"; t1=$(now)
    scp_t+=("$(echo "$t1 - $t0" | bc)")
done
rm -rf "${RELAY:?}/$id"
s=$(printf '%s\n' "${studio_t[@]}" | median); c=$(printf '%s\n' "${scp_t[@]}" | median)
mib=$(echo "scale=1; $bytes / 1048576" | bc)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); package $mib MiB in $(ls "$dir" | grep -c -- "-") fragments; median of $RUNS runs"
echo
echo "| copy to one relay over loopback SSH | time | throughput |"
echo "|---|---|---|"
echo "| ocs-studio relay copy (copy, then size + SHA-256 + digest checked on the server) | ${s} s | $(echo "scale=1; $bytes / 1048576 / $s" | bc) MiB/s |"
echo "| scp -r (copy only) | ${c} s | $(echo "scale=1; $bytes / 1048576 / $c" | bc) MiB/s |"
