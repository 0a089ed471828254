#!/usr/bin/env bash
# Test helper: publishes a package folder built by ocs-studio straight into the loopback server (files in the
# download folder + the rows the console would write: download_available, download_enable, devices) and affects
# it to every computer whose TAG is TAG — the "publishing without the console form" of
# scripts/ocs-server/README.md. It lets the real agent judge a build before the studio has its own publisher.
#
# Usage: deploy-direct.sh PACKAGE_DIR TAG [OSNAME]     PACKAGE_DIR = OUT/<ID>; OSNAME defaults to WINDOWS
# Prints: ENABLE_ID=<download_enable.ID> and COMPUTERS=<count>
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$HERE/common.sh"
need_root
[ $# -ge 2 ] || die "usage: deploy-direct.sh PACKAGE_DIR TAG [OSNAME]"
PKG=$(cd "$1" && pwd)
TAG=$2
OSNAME=${3:-WINDOWS}
ID=$(basename "$PKG")
[[ $ID =~ ^[0-9]+$ ]] || die "$PKG is not a package folder named by its ID"
[ -f "$PKG/info" ] || die "$PKG has no info file"
mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1 || die "MariaDB is not running (run setup.sh)"

info=$(cat "$PKG/info")
attr() { sed -n "s/.* $1=\"\([^\"]*\)\".*/\1/p" <<<"$info"; }
PRI=$(attr PRI)
FRAGS=$(attr FRAGS)
SIZE=0
for f in "$PKG/$ID"-*; do [ -e "$f" ] && SIZE=$((SIZE + $(stat -c %s "$f"))); done

dest=$OCS_DOWNLOAD_DIR/$ID
[ -e "$dest" ] && die "$dest already exists: every deployment needs a new package ID"
install -d -o www-data -g www-data -m 755 "$dest"
install -o www-data -g www-data -m 644 "$PKG"/* "$dest/"

db() { sqlq "$1" "$OCS_DB_NAME"; }
db "INSERT INTO download_available (FILEID, NAME, PRIORITY, FRAGMENTS, SIZE, OSNAME, COMMENT)
    VALUES ('$ID', $(sql_quote "studio-$ID"), $PRI, $FRAGS, $SIZE, $(sql_quote "$OSNAME"), 'deploy-direct.sh')"
enable=$(db "INSERT INTO download_enable (FILEID, INFO_LOC, PACK_LOC, CERT_PATH, CERT_FILE)
    VALUES ('$ID', 'localhost/download', 'localhost/download', 'INSTALL_PATH', 'INSTALL_PATH/cacert.pem');
    SELECT LAST_INSERT_ID()")
count=$(db "SELECT COUNT(*) FROM accountinfo WHERE TAG = $(sql_quote "$TAG")")
db "INSERT INTO devices (HARDWARE_ID, NAME, IVALUE, TVALUE)
    SELECT HARDWARE_ID, 'DOWNLOAD', $enable, NULL FROM accountinfo WHERE TAG = $(sql_quote "$TAG")"
log "package $ID ($FRAGS fragment(s), $SIZE bytes) activated as $enable and affected to $count computer(s) tagged $TAG"
echo "ENABLE_ID=$enable"
echo "COMPUTERS=$count"
