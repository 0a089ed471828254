#!/usr/bin/env bash
# Runs the real Debian Unix agent (2.10.0) once against http://127.0.0.1/ocsinventory,
# then waits for its forked download worker to finish ("End of work" in the log).
#
# Usage: agent-run.sh [TAG]          TAG defaults to ALPHA (fixed at the computer's first contact)
# Env:   OCS_AGENT_TIMEOUT  seconds for the whole run incl. the download worker (default 120);
#                           after it every process left from this run is killed
#        OCS_AGENT_LOG      log file (default $OCS_TEST_STATE/agent-<TAG>-<date>.log)
#        OCS_AGENT_BASEVARDIR  the agent's data folder (default: Debian's); another folder is
#                           another computer for the server (new device id), e.g. a second ring
#        OCS_AGENT_EXTRA    extra agent options, word-split (e.g. "--force"; do not use
#                           --force for deployments: it skips the PROLOG, so no orders arrive)
# Exit: 0 = agent ran and the worker (if any) finished; 1 = agent failed; 124 = timeout.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$HERE/common.sh"
need_root

TAG=${1:-ALPHA}
basevar_opt=()
if [ -n "${OCS_AGENT_BASEVARDIR:-}" ]; then
    OCS_AGENT_VARDIR=$OCS_AGENT_BASEVARDIR/${OCS_AGENT_SERVER//\//_}
    basevar_opt=(--basevardir="$OCS_AGENT_BASEVARDIR")
fi
TIMEOUT=${OCS_AGENT_TIMEOUT:-120}
LOG=${OCS_AGENT_LOG:-$OCS_TEST_STATE/agent-$TAG-$(date +%Y%m%d-%H%M%S).log}
mkdir -p "$(dirname "$LOG")"
: >"$LOG"

command -v ocsinventory-agent >/dev/null || die "ocsinventory-agent is not installed (run setup.sh)"
# The agent always fetches info files over HTTPS and needs the CA here.
if [ ! -s "$OCS_AGENT_VARDIR/cacert.pem" ]; then
    [ -s "$OCS_TEST_STATE/cacert.pem" ] || die "no CA at $OCS_TEST_STATE/cacert.pem (run setup.sh)"
    install -D -m 644 "$OCS_TEST_STATE/cacert.pem" "$OCS_AGENT_VARDIR/cacert.pem"
fi

log "agent run: server $OCS_AGENT_SERVER, TAG $TAG, log $LOG, timeout ${TIMEOUT}s"
now_us() { echo "${EPOCHREALTIME/./}"; }
deadline=$(( $(now_us) + TIMEOUT * 1000000 ))
timed_out() { [ "$(now_us)" -ge "$deadline" ]; }
# --debug: the worker logs "End of work..." at debug level only.
# setsid: the agent and its forked worker get their own process group, so that exactly
# the processes of this run can be found and stopped.
# The agent models a Linux PC, which has no Wine: where Wine is installed on this machine (the Windows tests use it),
# its commands (msiexec, wine…, all links to one loader) are hidden from this run in a private mount namespace, so a
# Windows install.bat fails here as on a real Linux PC instead of being installed by Wine's msiexec.
hide=()
loader=/usr/lib/wine/wineapploader
if [ -e "$loader" ]; then
    absent=$OCS_TEST_STATE/not-on-a-linux-pc
    printf '#!/bin/sh\necho "$(basename "$0"): not found (Wine is hidden from the Linux agent)" >&2\nexit 127\n' >"$absent"
    chmod 755 "$absent"
    hide=(unshare --mount --propagation private sh -c 'mount --bind "$0" "$1" && shift && exec "$@"' "$absent" "$loader")
fi
# shellcheck disable=SC2086
setsid "${hide[@]}" ocsinventory-agent --nolocal --server "$OCS_AGENT_SERVER" --tag "$TAG" "${basevar_opt[@]}" \
    --logfile="$LOG" --debug ${OCS_AGENT_EXTRA:-} >>"$LOG.stdout" 2>&1 </dev/null &
pid=$!
sleep 0.2
pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)
[ -n "$pgid" ] || pgid=$pid

group_alive() { [ -n "$(ps -e -o pgid= | awk -v g="$pgid" '$1 == g')" ]; }
kill_group() {
    if group_alive; then
        log "killing what is left of this run (process group $pgid)"
        kill -TERM -- "-$pgid" 2>/dev/null || true
        for _ in $(seq 1 20); do group_alive || break; sleep 0.25; done
        kill -KILL -- "-$pgid" 2>/dev/null || true
    fi
}

rc=0
while kill -0 "$pid" 2>/dev/null; do
    if timed_out; then rc=124; break; fi
    sleep 0.2
done
if [ $rc = 0 ]; then
    wait "$pid" || rc=$?
    [ $rc = 0 ] || { log "agent exited with $rc"; rc=1; }
fi

# The download worker is forked at the end of the main run (only when the server
# sent a download configuration). Wait for it.
worker=""
if [ $rc != 124 ]; then
    while group_alive || { [ -n "$worker" ] && kill -0 "$worker" 2>/dev/null; }; do
        [ -n "$worker" ] || worker=$(sed -n 's/.*Beginning work\. I am \([0-9]*\)\..*/\1/p' "$LOG" | tail -n1)
        grep -q 'End of work' "$LOG" && break
        if timed_out; then rc=124; break; fi
        sleep 0.2
    done
fi
worker=${worker:-$(sed -n 's/.*Beginning work\. I am \([0-9]*\)\..*/\1/p' "$LOG" | tail -n1)}
if [ $rc = 124 ]; then
    log "timeout after ${TIMEOUT}s"
    kill_group
    # the worker may have left its process group; it wrote its pid in the log
    if [ -n "$worker" ] && kill -0 "$worker" 2>/dev/null; then kill -KILL "$worker" 2>/dev/null || true; fi
else
    # finished: give the worker a moment to exit after logging "End of work"
    for _ in $(seq 1 20); do group_alive || break; sleep 0.25; done
    kill_group
fi

# Report
[ -s "$LOG.stdout" ] || rm -f "$LOG.stdout"
deviceid=$(sed -n 's:.*<DEVICEID>\(.*\)</DEVICEID>.*:\1:p' "$OCS_AGENT_VARDIR/ocsinv.conf" 2>/dev/null | head -n1 || true)
dlconf=$OCS_AGENT_VARDIR/download/config
{
    echo "log:        $LOG"
    echo "worker:     ${worker:-none} $(grep -q 'End of work' "$LOG" && echo '(End of work logged)' || echo '(no End of work)')"
    echo "deviceid:   ${deviceid:-?}"
    if [ -f "$dlconf" ]; then
        echo "download:   $(grep -o 'ON="[^"]*"' "$dlconf" | head -n1) (from $dlconf)"
    else
        echo "download:   no $dlconf (server sent no download configuration)"
    fi
    if [ -n "$deviceid" ] && mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1; then
        echo "database:   $(sqlq "SELECT CONCAT('hardware.ID=',h.ID,' NAME=',h.NAME,' TAG=',IFNULL(a.TAG,'NULL'),' LASTCOME=',h.LASTCOME)
                                  FROM hardware h LEFT JOIN accountinfo a ON a.HARDWARE_ID=h.ID
                                  WHERE h.DEVICEID='$deviceid'" "$OCS_DB_NAME")"
        pk=$(sqlq "SELECT CONCAT(e.FILEID,':',IFNULL(d.TVALUE,'NULL')) FROM devices d JOIN download_enable e ON e.ID=d.IVALUE
                  JOIN hardware h ON h.ID=d.HARDWARE_ID WHERE d.NAME='DOWNLOAD' AND h.DEVICEID='$deviceid'" "$OCS_DB_NAME" | tr '\n' ' ')
        echo "packages:   ${pk:-none affected}"
    fi
} >&2
exit $rc
