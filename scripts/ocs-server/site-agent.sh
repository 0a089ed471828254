#!/usr/bin/env bash
# Runs the real Unix agent as a computer of another site (another subnet), for the server-group tests:
#   - the site is a network namespace of its own, ocs-site-N, linked to this machine by a veth pair:
#     10.77.N.1 on this side, 10.77.N.2/24 inside (its only network, so the agent inventories subnet 10.77.N.0);
#   - the loopback-only server is reached through socat on 10.77.N.1 (ports 80 and 443 to 127.0.0.1), and inside
#     the site "localhost" resolves to 10.77.N.1 (a private /etc/hosts), so the server certificate still holds;
#   - the computer has its own hostname and data folder: a distinct computer for the server.
# Nothing listens beyond loopback and the site links this script creates.
#
# Usage: site-agent.sh N HOSTNAME TAG        (as root; N = 1..200)
#        site-agent.sh --clean               (removes every site, its socat relays and data folders)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$HERE/common.sh"
need_root
SITES=$OCS_TEST_STATE/sites

if [ "${1:-}" = --clean ]; then
    for p in "$SITES"/*/socat-*.pid; do
        [ -e "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
    done
    for ns in $(ip netns list 2>/dev/null | awk '/^ocs-site-/{print $1}'); do
        ip netns delete "$ns" 2>/dev/null || true
    done
    rm -rf "$SITES"
    exit 0
fi

N=${1:?usage: site-agent.sh N HOSTNAME TAG}
NAME=${2:?usage: site-agent.sh N HOSTNAME TAG}
TAG=${3:?usage: site-agent.sh N HOSTNAME TAG}
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 200 ] || die "N must be 1..200"
ns=ocs-site-$N
host_if=ocsh$N
site_if=ocsn$N
dir=$SITES/$N
mkdir -p "$dir"

if ! ip netns list | awk '{print $1}' | grep -qx "$ns"; then
    ip netns add "$ns"
    ip link add "$host_if" type veth peer name "$site_if"
    ip link set "$site_if" netns "$ns"
    ip addr add "10.77.$N.1/24" dev "$host_if"
    ip link set "$host_if" up
    ip netns exec "$ns" ip addr add "10.77.$N.2/24" dev "$site_if"
    ip netns exec "$ns" ip link set "$site_if" up
    ip netns exec "$ns" ip link set lo up
    ip netns exec "$ns" ip route add default via "10.77.$N.1"
    log "site $N: namespace $ns, 10.77.$N.2/24 inside, 10.77.$N.1 here"
fi
for port in 80 443; do
    pidf=$dir/socat-$port.pid
    if ! { [ -s "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; }; then
        setsid socat "TCP-LISTEN:$port,bind=10.77.$N.1,fork,reuseaddr" "TCP:127.0.0.1:$port" </dev/null >/dev/null 2>&1 &
        echo $! >"$pidf"
    fi
done
printf '10.77.%s.1 localhost\n' "$N" >"$dir/hosts"
for _ in $(seq 1 50); do
    ip netns exec "$ns" bash -c "exec 3<>/dev/tcp/10.77.$N.1/80" 2>/dev/null && break
    sleep 0.1
done

# Inside: private /etc/hosts and hostname, then the ordinary agent run against http://localhost/ocsinventory.
ip netns exec "$ns" unshare --uts --mount --propagation private \
    env OCS_AGENT_SERVER=http://localhost/ocsinventory OCS_AGENT_BASEVARDIR="$dir/$NAME" \
    bash -c 'mount --bind "$0" /etc/hosts && hostname "$1" && exec bash "$2" "$3"' "$dir/hosts" "$NAME" "$HERE/agent-run.sh" "$TAG"
