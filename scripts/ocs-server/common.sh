# shellcheck shell=bash disable=SC2034
# Shared helpers for the OCS test-server scripts (sourced, not executed).
# Everything here talks only to loopback (127.0.0.1 / localhost / the MariaDB unix socket).

OCS_TEST_STATE=${OCS_TEST_STATE:-/var/lib/ocs-studio-test}
OCS_TEST_ADMIN_USER=${OCS_TEST_ADMIN_USER:-admin}
OCS_TEST_ADMIN_PASSWORD=${OCS_TEST_ADMIN_PASSWORD:-studio-admin-pw}
OCS_DB_NAME=ocsweb
OCS_CONSOLE_URL=http://127.0.0.1/ocsreports
OCS_CONSOLE_URL_TLS=https://localhost/ocsreports
OCS_AGENT_SERVER=${OCS_AGENT_SERVER:-http://127.0.0.1/ocsinventory}
# The agent's data folder for that server: its URL with every '/' as '_'.
OCS_AGENT_VARDIR=/var/lib/ocsinventory-agent/${OCS_AGENT_SERVER//\//_}
OCS_DOWNLOAD_DIR=/var/lib/ocsinventory-reports/download
OCS_GUI_VERSION=7069

_ocs_t0=${_ocs_t0:-$(date +%s.%N)}

log() {
    printf '[%6.1fs] %s\n' "$(awk -v a="$_ocs_t0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" "$*" >&2
}

die() {
    log "ERROR: $*"
    exit 1
}

need_root() {
    [ "$(id -u)" = 0 ] || die "run as root"
}

# Query MariaDB as root through the unix socket (root uses unix_socket auth).
# Prints tab-separated rows without header.
sqlq() {
    mariadb --protocol=socket -uroot -N -B -e "$1" ${2:+"$2"}
}

db_exists() {
    [ -n "$(sqlq "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME='$OCS_DB_NAME'")" ]
}

gui_version() {
    db_exists || return 0
    sqlq "SELECT TVALUE FROM config WHERE NAME='GUI_VERSION'" "$OCS_DB_NAME" 2>/dev/null || true
}

# Escape a value for a single-quoted SQL literal.
sql_quote() {
    local s=${1//\\/\\\\}
    s=${s//\'/\'\'}
    printf "'%s'" "$s"
}

# set_config NAME IVALUE [TVALUE]: only writes (and logs) when the row differs.
# IVALUE/TVALUE may be the word NULL.
set_config() {
    local name=$1 ival=$2 tval=${3-__KEEP__} cur want_i want_t
    cur=$(sqlq "SELECT CONCAT(IFNULL(IVALUE,'NULL'),'|',IFNULL(TVALUE,'NULL')) FROM config WHERE NAME='$name'" "$OCS_DB_NAME")
    if [ "$tval" = "__KEEP__" ]; then
        if [ -n "$cur" ]; then tval=${cur#*|}; else tval=NULL; fi
    fi
    if [ "$cur" = "$ival|$tval" ]; then
        return 0
    fi
    if [ "$ival" = NULL ]; then want_i=NULL; else want_i=$ival; fi
    if [ "$tval" = NULL ]; then want_t=NULL; else want_t=$(sql_quote "$tval"); fi
    sqlq "INSERT INTO config (NAME, IVALUE, TVALUE) VALUES ('$name', $want_i, $want_t)
          ON DUPLICATE KEY UPDATE IVALUE=VALUES(IVALUE), TVALUE=VALUES(TVALUE)" "$OCS_DB_NAME"
    log "config $name: ${cur:-<no row>} -> $ival|$tval"
    OCS_CHANGED=$(( ${OCS_CHANGED:-0} + 1 ))
}

# First CSRF_<n> hidden input of an HTML page, printed as "CSRF_<n>=<value>".
scrape_csrf() {
    grep -o "name='CSRF_[0-9]*' id='CSRF_[0-9]*' value='[0-9a-f]*'" "$1" | head -n1 |
        sed -E "s/name='(CSRF_[0-9]+)' id='CSRF_[0-9]+' value='([0-9a-f]+)'/\1=\2/"
}

# console_login JAR: logs the admin into the console, keeps the session in JAR.
console_login() {
    local jar=$1 page
    page=$(mktemp)
    curl -sS -o /dev/null -c "$jar" -b "$jar" --max-time 60 "$OCS_CONSOLE_URL/index.php"
    curl -sS -o "$page" -c "$jar" -b "$jar" --max-time 120 \
        --data-urlencode "LOGIN=$OCS_TEST_ADMIN_USER" \
        --data-urlencode "PASSWD=$OCS_TEST_ADMIN_PASSWORD" \
        --data-urlencode "Valid_CNX=Send" \
        "$OCS_CONSOLE_URL/index.php"
    # Logged in when the answer no longer holds the login form's password field.
    if grep -q 'name="PASSWD"' "$page"; then
        rm -f "$page"
        return 1
    fi
    rm -f "$page"
    return 0
}
