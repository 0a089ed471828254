#!/usr/bin/env bash
# Stops the loopback OCS test server started by setup.sh (Apache, then MariaDB). No systemd needed.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$HERE/common.sh"
need_root

pid=$(cat /var/run/apache2/apache2.pid 2>/dev/null || true)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    log "stopping Apache (pid $pid)"
    apache2ctl stop
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    ! kill -0 "$pid" 2>/dev/null || die "Apache (pid $pid) did not stop"
else
    log "Apache is not running"
fi

if mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1; then
    log "stopping MariaDB"
    service mariadb stop >/dev/null
else
    log "MariaDB is not running"
fi
log "stopped"
