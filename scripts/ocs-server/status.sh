#!/usr/bin/env bash
# Exit 0 when both MariaDB and Apache (console + communication server) answer on loopback.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$HERE/common.sh"

rc=0
if mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1; then
    echo "mariadb: up"
else
    echo "mariadb: DOWN"; rc=1
fi
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$OCS_CONSOLE_URL/" || true)
if [ "$code" = 200 ]; then
    echo "apache:  up ($OCS_CONSOLE_URL/ -> $code)"
else
    echo "apache:  DOWN ($OCS_CONSOLE_URL/ -> ${code:-no answer})"; rc=1
fi
if [ $rc = 0 ]; then
    # informative only: the TLS vhost
    tls=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$OCS_TEST_STATE/cacert.pem" "$OCS_CONSOLE_URL_TLS/" || true)
    echo "https:   $OCS_CONSOLE_URL_TLS/ -> ${tls:-no answer}"
fi
exit $rc
