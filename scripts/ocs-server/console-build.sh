#!/usr/bin/env bash
# Builds a deployment package from ZIPFILE with the REAL console (ocsreports 2.11.1 wizard,
# index.php?function=tele_build, FORMTYPE custompackageopt, OS windows), driven by curl,
# so that what the console writes can be compared with what the studio writes.
#
# Usage: console-build.sh ZIPFILE NAME [COMMAND] [FRAG_MB]
#   COMMAND   command (ACT EXECUTE) or file to launch (ACT LAUNCH); default install.bat
#   FRAG_MB   fragment size in MB written to config DOWNLOAD_RATIO_FRAG; default 5.
#             A purely numeric third argument is taken as FRAG_MB (COMMAND keeps its default).
# Env: OCS_BUILD_ACT (EXECUTE|LAUNCH|STORE, default EXECUTE), OCS_BUILD_PRI (0-9, default 5),
#      OCS_BUILD_PROTO (HTTP|HTTPS, default HTTP), OCS_BUILD_DESCRIPTION,
#      OCS_BUILD_NOTIFY_USER / _NOTIFY_TEXT / _NOTIFY_COUNTDOWN / _NOTIFY_CAN_ABORT /
#      _NOTIFY_CAN_DELAY / _NEED_DONE_ACTION / _NEED_DONE_ACTION_TEXT (defaults 0 / "" / "" / 0 / 0 / 0 / ""),
#      OCS_BUILD_FRAG_MB, OCS_TEST_ADMIN_PASSWORD, OCS_TEST_STATE.
# Prints on stdout:  FILEID=<id>  and  INFO=/var/lib/ocsinventory-reports/download/<id>/info
# (details on stderr). The package is built only; it is not activated nor affected.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$HERE/common.sh"
need_root

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
[ $# -ge 2 ] && [ $# -le 4 ] || usage
ZIP=$1
NAME=$2
COMMAND=install.bat
FRAG_MB=${OCS_BUILD_FRAG_MB:-5}
if [ $# -ge 3 ]; then
    if [ $# -eq 3 ] && [[ $3 =~ ^[0-9]+$ ]]; then FRAG_MB=$3; else COMMAND=$3; fi
fi
[ $# -ge 4 ] && FRAG_MB=$4
[[ $FRAG_MB =~ ^[1-9][0-9]*$ ]] || die "FRAG_MB must be a positive integer (got '$FRAG_MB')"
[ -f "$ZIP" ] || die "no such file: $ZIP"

ACT=${OCS_BUILD_ACT:-EXECUTE}
case $ACT in EXECUTE|LAUNCH|STORE) ;; *) die "OCS_BUILD_ACT must be EXECUTE, LAUNCH or STORE";; esac
PRI=${OCS_BUILD_PRI:-5}
PROTO=${OCS_BUILD_PROTO:-HTTP}
DESCRIPTION=${OCS_BUILD_DESCRIPTION:-built by console-build.sh}
case ${ZIP,,} in *.zip|*.gz) ;; *) log "warning: not .zip/.gz: the console will wrap the file in a zip itself";; esac

mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1 || die "MariaDB is not running (run setup.sh)"

# Fragmenting is done by the console only with these two config rows.
set_config DOWNLOAD_ACTIVATE_FRAG 1
set_config DOWNLOAD_RATIO_FRAG "$FRAG_MB"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jar=$work/cookies

console_login "$jar" || die "console login as $OCS_TEST_ADMIN_USER failed"
curl -sS -o "$work/build.html" -c "$jar" -b "$jar" --max-time 60 "$OCS_CONSOLE_URL/index.php?function=tele_build"
# the CSRF token of the form generate_build_package
csrf=$(sed -n "s/.*name='generate_build_package'[^>]*>//p" "$work/build.html" | head -n1 > "$work/form.html"; scrape_csrf "$work/form.html")
[ -n "$csrf" ] || csrf=$(scrape_csrf "$work/build.html")
[ -n "$csrf" ] || die "no CSRF token on the tele_build page"
# the options part the browser loads by AJAX (checks the form exists with our fields)
curl -sS -o "$work/opts.html" -b "$jar" --max-time 60 \
    "$OCS_CONSOLE_URL/ajax/teledeployoptions.php?os=windows&linkedoptions=custompackageopt"
grep -q 'name="pathfile"' "$work/opts.html" || die "custompackageopt form not found"

# FILEID = PHP time() when the POST is processed: never build twice in one second
while [ -e "$OCS_DOWNLOAD_DIR/$(date +%s)" ] || [ -e "$OCS_DOWNLOAD_DIR/$(( $(date +%s) + 1 ))" ]; do sleep 0.2; done

log "building '$NAME' from $ZIP ($(stat -c %s "$ZIP") bytes, md5 $(md5sum <"$ZIP" | cut -d' ' -f1)), $ACT '$COMMAND', fragments of $FRAG_MB MB"
curl -sS -o "$work/result.html" -c "$jar" -b "$jar" --max-time 600 \
    --form-string "${csrf%%=*}=${csrf#*=}" \
    --form-string "os_selected=windows" \
    --form-string "FORMTYPE=custompackageopt" \
    --form-string "NAME=$NAME" \
    --form-string "DESCRIPTION=$DESCRIPTION" \
    --form-string "PROTO=$PROTO" \
    --form-string "PRI=$PRI" \
    -F "additionalfiles=@$ZIP;type=application/zip;filename=$(basename "$ZIP")" \
    --form-string "ACT=$ACT" \
    --form-string "pathfile=$COMMAND" \
    --form-string "NOTIFY_USER=${OCS_BUILD_NOTIFY_USER:-0}" \
    --form-string "NOTIFY_TEXT=${OCS_BUILD_NOTIFY_TEXT:-}" \
    --form-string "NOTIFY_COUNTDOWN=${OCS_BUILD_NOTIFY_COUNTDOWN:-}" \
    --form-string "NOTIFY_CAN_ABORT=${OCS_BUILD_NOTIFY_CAN_ABORT:-0}" \
    --form-string "NOTIFY_CAN_DELAY=${OCS_BUILD_NOTIFY_CAN_DELAY:-0}" \
    --form-string "NEED_DONE_ACTION=${OCS_BUILD_NEED_DONE_ACTION:-0}" \
    --form-string "NEED_DONE_ACTION_TEXT=${OCS_BUILD_NEED_DONE_ACTION_TEXT:-}" \
    --form-string "valid=Validate" \
    "$OCS_CONSOLE_URL/index.php?function=tele_build"
cp "$work/result.html" "$OCS_TEST_STATE/console-build-last.html"

if grep -q 'CSRF ATTACK' "$work/result.html"; then
    die "console answered 'CSRF ATTACK!!!' (upload above post_max_size 101m?)"
fi
FILEID=$(grep -o "$OCS_DOWNLOAD_DIR/[0-9][0-9]*" "$work/result.html" | head -n1 | sed 's#.*/##')
[ -n "$FILEID" ] || die "no package path in the console's answer (see $OCS_TEST_STATE/console-build-last.html)"
INFO=$OCS_DOWNLOAD_DIR/$FILEID/info
[ -f "$INFO" ] || die "$INFO does not exist"

{
    echo "--- $INFO"
    cat "$INFO"
    echo "--- fragments"
    frags=()
    n=1
    while [ -f "$OCS_DOWNLOAD_DIR/$FILEID/$FILEID-$n" ]; do
        frags+=("$OCS_DOWNLOAD_DIR/$FILEID/$FILEID-$n")
        printf '%s %s\n' "$FILEID-$n" "$(stat -c %s "$OCS_DOWNLOAD_DIR/$FILEID/$FILEID-$n")"
        n=$((n + 1))
    done
    if [ ${#frags[@]} -gt 0 ]; then
        echo "--- md5 of the concatenated fragments: $(cat "${frags[@]}" | md5sum | cut -d' ' -f1)"
    fi
    echo "--- download_available"
    sqlq "SELECT FILEID, NAME, PRIORITY, FRAGMENTS, SIZE, OSNAME, COMMENT, DELETED FROM download_available WHERE FILEID='$FILEID'" "$OCS_DB_NAME"
} >&2
echo "FILEID=$FILEID"
echo "INFO=$INFO"
