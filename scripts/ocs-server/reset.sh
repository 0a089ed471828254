#!/usr/bin/env bash
# Puts the loopback OCS test server back to the state of a fresh install: the database as install.php and the
# console's update left it (the snapshot setup.sh took then), no package files, no computer, no agent history;
# then setup.sh re-applies the studio's test settings. The test command starts with it, so that a test that
# depends on what an earlier run left fails here as it would on a new machine; admins run it to get a clean
# trial server after the tests.
#
# Usage: reset.sh        (as root)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$HERE/common.sh"
need_root

PRISTINE=$OCS_TEST_STATE/pristine.sql

# No agent run of an earlier test may write into the fresh state.
pkill -f '^/usr/bin/perl /usr/bin/ocsinventory-agent' 2>/dev/null || true

if mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1; then
    if [ -s "$PRISTINE" ]; then
        log "restoring the database of a fresh install ($PRISTINE)"
        sqlq "DROP DATABASE IF EXISTS \`$OCS_DB_NAME\`"
        mariadb --protocol=socket -uroot <"$PRISTINE"
    elif db_exists; then
        # Installed before reset.sh existed: no snapshot yet. Drop it; setup.sh installs it again and takes one.
        log "no snapshot of a fresh install yet: dropping $OCS_DB_NAME so that setup.sh installs it anew"
        sqlq "DROP DATABASE \`$OCS_DB_NAME\`"
    fi
fi

log "removing package files, agent data and logs"
if [ -d "$OCS_DOWNLOAD_DIR" ]; then
    find "$OCS_DOWNLOAD_DIR" -mindepth 1 -delete
fi
rm -rf /var/lib/ocsinventory-agent/* "$OCS_TEST_STATE"/agent-beta "$OCS_TEST_STATE"/agent-*.log "$OCS_TEST_STATE"/agent-*.log.stdout
rm -f /tmp/ocs-studio-upload-*.lock
# The other sites' namespaces and computers (site-agent.sh)
bash "$HERE/site-agent.sh" --clean
# The redistribution servers' folders (the small relay's is a tmpfs: emptied, kept mounted).
for d in "$OCS_TEST_STATE"/relays/*/download; do
    [ -d "$d" ] && find "$d" -mindepth 1 -delete
done

bash "$HERE/setup.sh"
log "reset done: no package, no computer"
