#!/usr/bin/env bash
# Installs (if missing) and starts a real OCS Inventory server on loopback only:
# MariaDB + Apache (mod_perl communication server 2.8.1, PHP console ocsreports 2.11.1)
# + the Debian Unix agent. Idempotent: a second run when all is up changes nothing.
#
# Env: OCS_TEST_STATE (default /var/lib/ocs-studio-test)  certificates, CA, logs
#      OCS_TEST_ADMIN_PASSWORD (default studio-admin-pw)  console password of user admin
#      OCS_TEST_DB_USER / OCS_TEST_DB_PASSWORD (default ocs_install / studio-db-pw)
#           MariaDB account with a password that install.php uses to create the database
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$HERE/common.sh"

OCS_TEST_DB_USER=${OCS_TEST_DB_USER:-ocs_install}
OCS_TEST_DB_PASSWORD=${OCS_TEST_DB_PASSWORD:-studio-db-pw}
OCS_CHANGED=0
REPORTS_DIR=/usr/share/ocsinventory-reports

need_root
export DEBIAN_FRONTEND=noninteractive

changed() { OCS_CHANGED=$((OCS_CHANGED + 1)); log "changed: $*"; }

# install_file PATH MODE < content : writes only if the content or mode differs.
# Returns 0 when the file was (re)written, 1 when it was already right.
install_file() {
    local path=$1 mode=$2 tmp
    tmp=$(mktemp)
    cat >"$tmp"
    if [ -f "$path" ] && cmp -s "$tmp" "$path" && [ "$(stat -c %a "$path")" = "$mode" ]; then
        rm -f "$tmp"
        return 1
    fi
    mkdir -p "$(dirname "$path")"
    install -m "$mode" "$tmp" "$path"
    rm -f "$tmp"
    changed "$path"
    return 0
}

wait_until() { # wait_until SECONDS DESCRIPTION CMD...
    local secs=$1 what=$2
    shift 2
    local end=$((SECONDS + secs))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $end ] || die "timeout ($secs s) waiting for $what"
        sleep 0.5
    done
}

# ---------------------------------------------------------------- 1. packages
PKGS=(mariadb-server apache2 libapache2-mod-php php-mysql php-gd php-zip php-mbstring php-xml
      php-curl php-soap libxml-parser-perl libio-socket-ssl-perl liblwp-protocol-https-perl
      dmidecode pciutils libnet-netmask-perl openssl curl
      ocsinventory-server ocsinventory-reports ocsinventory-agent
      openssh-server socat iproute2)  # SSH servers (ssh-servers.sh); other sites for the agent (site-agent.sh)

missing_pkgs() {
    local p st
    for p in "${PKGS[@]}"; do
        st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        [ "$st" = "install ok installed" ] || echo "$p"
    done
}

POLICY=/usr/sbin/policy-rc.d
POLICY_BAK=/usr/sbin/policy-rc.d.ocs-studio-bak
POLICY_OURS=0
restore_policy() {
    if [ "$POLICY_OURS" = 1 ]; then
        rm -f "$POLICY"
        if [ -e "$POLICY_BAK" ]; then mv -f "$POLICY_BAK" "$POLICY"; fi
        POLICY_OURS=0
    fi
}
trap restore_policy EXIT

APT_LOG=$OCS_TEST_STATE/apt.log
apt_run() { # output goes to $APT_LOG, shown only on failure
    if "$@" >>"$APT_LOG" 2>&1; then return 0; fi
    tail -n 30 "$APT_LOG" >&2
    return 1
}
apt_retry() { # apt lists/dpkg locks may be held by another apt run: wait and retry
    local i
    for i in $(seq 1 180); do
        if apt_run "$@"; then return 0; fi
        log "apt command failed (attempt $i), retrying in 5 s: $*"
        sleep 5
    done
    return 1
}

mkdir -p "$OCS_TEST_STATE"
chmod 755 "$OCS_TEST_STATE"
mapfile -t MISSING < <(missing_pkgs)
if [ ${#MISSING[@]} -gt 0 ]; then
    log "installing (apt output in $APT_LOG): ${MISSING[*]}"
    # Nothing may start (and listen on 0.0.0.0) while packages are configured.
    if [ -x "$POLICY" ] && { "$POLICY" apache2 start >/dev/null 2>&1; [ $? = 101 ]; }; then
        log "existing $POLICY already denies service starts"
    else
        if [ -e "$POLICY" ]; then mv -f "$POLICY" "$POLICY_BAK"; fi
        printf '#!/bin/sh\n# temporary, by ocs-studio setup.sh\nexit 101\n' >"$POLICY"
        chmod 755 "$POLICY"
        POLICY_OURS=1
    fi
    need_update=0
    for p in "${MISSING[@]}"; do
        cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/{print $2}')
        if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then need_update=1; fi
    done
    if [ $need_update = 1 ]; then
        apt_retry apt-get update -qq
    fi
    if ! apt_run apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${MISSING[@]}"; then
        apt_retry apt-get update -qq
        apt_retry apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${MISSING[@]}"
    fi
    restore_policy
    changed "packages installed"
    mapfile -t MISSING < <(missing_pkgs)
    [ ${#MISSING[@]} -eq 0 ] || die "still missing: ${MISSING[*]}"
fi

# ---------------------------------------------------------------- 2. configuration before start

# MariaDB: loopback only
install_file /etc/mysql/mariadb.conf.d/99-ocs-studio-test.cnf 644 <<'EOF' || true
# ocs-studio test server: loopback only
[mysqld]
bind-address = 127.0.0.1
EOF

# Certificates: a CA and a server certificate for localhost / 127.0.0.1
CA_KEY=$OCS_TEST_STATE/ca.key
CA_CRT=$OCS_TEST_STATE/ca.crt
SRV_KEY=$OCS_TEST_STATE/server.key
SRV_CRT=$OCS_TEST_STATE/server.crt
if [ ! -s "$CA_KEY" ] || [ ! -s "$CA_CRT" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
        -keyout "$CA_KEY" -out "$CA_CRT" -subj "/CN=OCS Studio Test CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    chmod 600 "$CA_KEY"
    rm -f "$SRV_CRT"
    changed "CA $CA_CRT"
fi
if [ ! -s "$SRV_KEY" ] || [ ! -s "$SRV_CRT" ] ||
   ! openssl verify -CAfile "$CA_CRT" "$SRV_CRT" >/dev/null 2>&1 ||
   ! openssl x509 -in "$SRV_CRT" -noout -checkend 86400 >/dev/null 2>&1; then
    ext=$(mktemp)
    printf '%s\n' "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth" \
        "subjectAltName=DNS:localhost,IP:127.0.0.1" >"$ext"
    openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$SRV_KEY" \
        -out "$OCS_TEST_STATE/server.csr" -subj "/CN=localhost" 2>/dev/null
    openssl x509 -req -sha256 -days 3650 -in "$OCS_TEST_STATE/server.csr" \
        -CA "$CA_CRT" -CAkey "$CA_KEY" -set_serial "0x$(openssl rand -hex 8)" \
        -extfile "$ext" -out "$SRV_CRT" 2>/dev/null
    rm -f "$ext" "$OCS_TEST_STATE/server.csr"
    chmod 600 "$SRV_KEY"
    changed "server certificate $SRV_CRT"
fi

# A second, self-signed certificate (what many OCS servers have) for a second HTTPS port, 8443: Wine's certificate
# check fails on the CA-signed one above (it reports an unknown revocation status as an error, where Windows ignores
# it), so the Windows build's tests under Wine reach the same console through this one.
SS_KEY=$OCS_TEST_STATE/selfsigned.key
SS_CRT=$OCS_TEST_STATE/selfsigned.crt
if [ ! -s "$SS_KEY" ] || [ ! -s "$SS_CRT" ] || ! openssl x509 -in "$SS_CRT" -noout -checkend 86400 >/dev/null 2>&1; then
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout "$SS_KEY" -out "$SS_CRT" -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost" -addext "extendedKeyUsage=serverAuth" 2>/dev/null
    chmod 600 "$SS_KEY"
    changed "self-signed certificate $SS_CRT"
fi

# Apache: loopback only, ServerName, SSL vhost, OCS confs
APACHE_CHANGED=0
install_file /etc/apache2/ports.conf 644 <<'EOF' && APACHE_CHANGED=1 || true
# ocs-studio test server: loopback only (managed by scripts/ocs-server/setup.sh)
Listen 127.0.0.1:80

<IfModule ssl_module>
	Listen 127.0.0.1:443
	Listen 127.0.0.1:8443
</IfModule>
EOF
install_file /etc/apache2/conf-available/ocs-studio-servername.conf 644 <<'EOF' && APACHE_CHANGED=1 || true
ServerName localhost
EOF
install_file /etc/apache2/sites-available/ocs-studio-ssl.conf 644 <<EOF && APACHE_CHANGED=1 || true
# ocs-studio test server: TLS on loopback (certificate from $OCS_TEST_STATE)
<VirtualHost 127.0.0.1:443>
	ServerName localhost
	SSLEngine on
	SSLCertificateFile $SRV_CRT
	SSLCertificateKeyFile $SRV_KEY
	ErrorLog \${APACHE_LOG_DIR}/ocs-studio-ssl-error.log
	CustomLog \${APACHE_LOG_DIR}/ocs-studio-ssl-access.log combined
</VirtualHost>
<VirtualHost 127.0.0.1:8443>
	ServerName localhost
	# Wine 8's sockets miss the end of a TLS response until the server closes the connection (5 s of keep-alive
	# per request); closing after each response keeps the Wine tests fast. Port 443 keeps Apache's defaults.
	KeepAlive Off
	SSLEngine on
	SSLCertificateFile $SS_CRT
	SSLCertificateKeyFile $SS_KEY
	ErrorLog \${APACHE_LOG_DIR}/ocs-studio-ssl-error.log
	CustomLog \${APACHE_LOG_DIR}/ocs-studio-ssl-access.log combined
</VirtualHost>
EOF
for m in ssl perl; do
    if [ ! -e /etc/apache2/mods-enabled/$m.load ]; then a2enmod -q $m >/dev/null; APACHE_CHANGED=1; changed "a2enmod $m"; fi
done
php_loads=(/etc/apache2/mods-available/php*.load)
php_mod=$(basename "${php_loads[0]}" .load)
if [ -e "${php_loads[0]}" ] && [ ! -e "/etc/apache2/mods-enabled/$php_mod.load" ]; then
    a2dismod -q mpm_event >/dev/null 2>&1 || true
    a2enmod -q mpm_prefork "$php_mod" >/dev/null; APACHE_CHANGED=1; changed "a2enmod $php_mod"
fi
for c in ocs-studio-servername ocsinventory-server ocsinventory-reports; do
    if [ ! -e /etc/apache2/conf-enabled/$c.conf ]; then a2enconf -q $c >/dev/null; APACHE_CHANGED=1; changed "a2enconf $c"; fi
done
if [ ! -e /etc/apache2/sites-enabled/ocs-studio-ssl.conf ]; then
    a2ensite -q ocs-studio-ssl >/dev/null; APACHE_CHANGED=1; changed "a2ensite ocs-studio-ssl"
fi

# Console: Debian strips composer's vendor/, but require/header.php loads vendor/autoload.php
install_file "$REPORTS_DIR/vendor/autoload.php" 644 <<'EOF' || true
<?php
// Added by ocs-studio scripts/ocs-server/setup.sh: Debian's ocsinventory-reports has no
// composer vendor/ folder but require/header.php loads vendor/autoload.php.
require_once '/usr/share/php/libphp-phpmailer/autoload.php';
EOF

# Console data dir (packages are written there by PHP = www-data)
if [ -n "$(find /var/lib/ocsinventory-reports \( ! -user www-data -o ! -group www-data \) -print -quit)" ]; then
    chown -R www-data:www-data /var/lib/ocsinventory-reports
    changed "chown www-data /var/lib/ocsinventory-reports"
fi

# ---------------------------------------------------------------- 3. start services
if ! mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1; then
    log "starting MariaDB"
    service mariadb start >/dev/null
    changed "mariadb started"
fi
wait_until 60 "mariadb-admin ping" mariadb-admin --protocol=socket -uroot ping

apache_running() {
    local pid
    pid=$(cat /var/run/apache2/apache2.pid 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}
apache2ctl configtest >/dev/null 2>&1 || { apache2ctl configtest; die "apache configuration invalid"; }
if ! apache_running; then
    log "starting Apache"
    apache2ctl start
    changed "apache started"
elif [ $APACHE_CHANGED = 1 ]; then
    log "reloading Apache (configuration changed)"
    apache2ctl graceful
fi
http_ok() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$1")" = 200 ]; }
wait_until 60 "HTTP 200 on $OCS_CONSOLE_URL/" http_ok "$OCS_CONSOLE_URL/"

# ---------------------------------------------------------------- 4. database through the console
# A MariaDB account with a password (root uses unix_socket auth, which PHP cannot use).
if [ -z "$(sqlq "SELECT User FROM mysql.user WHERE User='$OCS_TEST_DB_USER' AND Host='localhost'")" ]; then
    sqlq "CREATE USER '$OCS_TEST_DB_USER'@'localhost' IDENTIFIED BY $(sql_quote "$OCS_TEST_DB_PASSWORD");
          GRANT ALL PRIVILEGES ON *.* TO '$OCS_TEST_DB_USER'@'localhost' WITH GRANT OPTION;"
    changed "MariaDB account $OCS_TEST_DB_USER"
fi

dbconfig_ok() { grep -q 'DB_NAME' /etc/ocsinventory/dbconfig.inc.php 2>/dev/null; }

if db_exists && { [ -z "$(gui_version)" ] || ! dbconfig_ok; }; then
    log "database $OCS_DB_NAME is half-installed: dropping it and installing again"
    sqlq "DROP DATABASE \`$OCS_DB_NAME\`"
fi

if ! db_exists; then
    log "running the console's install.php form"
    jar=$(mktemp); page=$(mktemp)
    curl -sS -o "$page" -c "$jar" -b "$jar" --max-time 60 "$OCS_CONSOLE_URL/install.php"
    csrf=$(scrape_csrf "$page")
    [ -n "$csrf" ] || die "no CSRF token on install.php (see $page)"
    curl -sS -o "$page" -c "$jar" -b "$jar" --max-time 300 \
        --data-urlencode "$csrf" \
        --data-urlencode "name=$OCS_TEST_DB_USER" \
        --data-urlencode "pass=$OCS_TEST_DB_PASSWORD" \
        --data-urlencode "database=$OCS_DB_NAME" \
        --data-urlencode "host=localhost" \
        --data-urlencode "port=3306" \
        --data-urlencode "enablessl=0" \
        --data-urlencode "sslmode=MYSQLI_CLIENT_SSL" \
        --data-urlencode "sslkey=" --data-urlencode "sslcert=" --data-urlencode "cacert=" \
        --data-urlencode "Valid_INSTALL=Send" \
        "$OCS_CONSOLE_URL/install.php"
    cp "$page" "$OCS_TEST_STATE/install-response.html"
    rm -f "$jar" "$page"
    db_exists || die "install.php did not create $OCS_DB_NAME (see $OCS_TEST_STATE/install-response.html)"
    dbconfig_ok || die "install.php did not write /etc/ocsinventory/dbconfig.inc.php"
    changed "database installed by install.php (GUI_VERSION $(gui_version))"
fi

if [ "$(gui_version)" != "$OCS_GUI_VERSION" ]; then
    log "running the console's update form ($(gui_version) -> $OCS_GUI_VERSION)"
    jar=$(mktemp); page=$(mktemp)
    for i in $(seq 1 60); do
        [ "$(gui_version)" = "$OCS_GUI_VERSION" ] && break
        # opcache may still serve the old dbconfig.inc.php for ~2 s after install: retry
        curl -sS -o /dev/null -c "$jar" -b "$jar" --max-time 60 "$OCS_CONSOLE_URL/index.php" || true
        curl -sS -o "$page" -c "$jar" -b "$jar" --max-time 600 \
            --data-urlencode "update=Update" "$OCS_CONSOLE_URL/index.php" || true
        [ "$(gui_version)" = "$OCS_GUI_VERSION" ] && break
        sleep 1
    done
    cp "$page" "$OCS_TEST_STATE/update-response.html"
    rm -f "$jar" "$page"
    log "update form: $i attempt(s)"
    [ "$(gui_version)" = "$OCS_GUI_VERSION" ] ||
        die "GUI_VERSION is '$(gui_version)', not $OCS_GUI_VERSION (see $OCS_TEST_STATE/update-response.html)"
    changed "database updated to GUI_VERSION $OCS_GUI_VERSION"
fi

# A snapshot of the freshly installed database, which reset.sh restores (taken once, right after install.php
# and the console's update; the fix-ups and settings below are applied again after every restore).
if [ ! -s "$OCS_TEST_STATE/pristine.sql" ] && [ "$(sqlq "SELECT COUNT(*) FROM hardware" "$OCS_DB_NAME")" = 0 ] &&
   [ "$(sqlq "SELECT COUNT(*) FROM download_available" "$OCS_DB_NAME")" = 0 ]; then
    mariadb-dump --protocol=socket -uroot --single-transaction --databases "$OCS_DB_NAME" >"$OCS_TEST_STATE/pristine.sql.tmp"
    mv -f "$OCS_TEST_STATE/pristine.sql.tmp" "$OCS_TEST_STATE/pristine.sql"
    chmod 600 "$OCS_TEST_STATE/pristine.sql"
    changed "snapshot of the fresh database for reset.sh"
fi

# ---------------------------------------------------------------- 5. SQL fix-ups and settings
set_config WARN_UPDATE 0          # else every console page calls an outside version-check host
if [ -n "$(sqlq "SELECT NAME FROM config WHERE NAME='ACTIVE_NEWS'" "$OCS_DB_NAME")" ]; then
    sqlq "DELETE FROM config WHERE NAME='ACTIVE_NEWS'" "$OCS_DB_NAME"
    changed "config ACTIVE_NEWS removed"
fi
# The 2.8.1 communication server still writes software_name.CATEGORY (dropped by 7045.sql)
if [ -z "$(sqlq "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='$OCS_DB_NAME'
               AND TABLE_NAME='software_name' AND COLUMN_NAME='CATEGORY'")" ]; then
    sqlq "ALTER TABLE software_name ADD COLUMN CATEGORY INT NULL" "$OCS_DB_NAME"
    changed "software_name.CATEGORY re-added"
fi

# Deployment. Debian's ocsinventory-server.conf sets "PerlSetEnv OCS_OPT_DOWNLOAD 0", but with
# OCS_OPT_OPTIONS_NOT_OVERLOADED 0 the server copies every known row of `config` over its
# OCS_OPT_* environment at each request (System.pm _get_sys_options), so the rows below win.
set_config DOWNLOAD 1
set_config DEPLOY 1
set_config DOWNLOAD_URI_INFO NULL localhost/download
set_config DOWNLOAD_URI_FRAG NULL localhost/download
set_config DOWNLOAD_CYCLE_LATENCY 0
set_config DOWNLOAD_FRAG_LATENCY 0
set_config DOWNLOAD_PERIOD_LATENCY 0
set_config DOWNLOAD_PERIOD_LENGTH 10   # the stock value: priorities 1-9 all work (a period shorter than a priority makes tele_actives fail)
set_config FREQUENCY 1
[ "$(sqlq "SELECT CONCAT(IVALUE) FROM config WHERE NAME='OPTIONS_NOT_OVERLOADED'" "$OCS_DB_NAME")" = 1 ] &&
    die "config OPTIONS_NOT_OVERLOADED=1 would make the server ignore the config table"
grep -Eq '^\s*PerlSetEnv\s+OCS_OPT_OPTIONS_NOT_OVERLOADED\s+0' /etc/apache2/conf-available/ocsinventory-server.conf ||
    die "OCS_OPT_OPTIONS_NOT_OVERLOADED is not 0 in ocsinventory-server.conf: config.DOWNLOAD would be ignored"

# Console admin password: what 2.11.1 itself writes when a password is set
# (require/function_users.php): PASSWD = hash('sha256', pw), PASSWORD_VERSION = config PASSWORD_VERSION.
PW_HASH=$(printf '%s' "$OCS_TEST_ADMIN_PASSWORD" | sha256sum | cut -d' ' -f1)
PW_VER=$(sqlq "SELECT IVALUE FROM config WHERE NAME='PASSWORD_VERSION'" "$OCS_DB_NAME")
PW_VER=${PW_VER:-2}
if [ "$(sqlq "SELECT CONCAT(PASSWD,'|',IFNULL(PASSWORD_VERSION,'')) FROM operators WHERE ID='$OCS_TEST_ADMIN_USER'" "$OCS_DB_NAME")" != "$PW_HASH|$PW_VER" ]; then
    [ -n "$(sqlq "SELECT ID FROM operators WHERE ID='$OCS_TEST_ADMIN_USER'" "$OCS_DB_NAME")" ] ||
        die "no operator $OCS_TEST_ADMIN_USER"
    sqlq "UPDATE operators SET PASSWD='$PW_HASH', PASSWORD_VERSION=$PW_VER WHERE ID='$OCS_TEST_ADMIN_USER'" "$OCS_DB_NAME"
    changed "console password of $OCS_TEST_ADMIN_USER"
    # Check it with a real login (the first login also runs the console's data migrations).
    jar=$(mktemp)
    ok=0
    for i in 1 2 3 4 5; do
        if console_login "$jar"; then ok=1; break; fi
        sleep 1
    done
    rm -f "$jar"
    [ $ok = 1 ] || die "console login as $OCS_TEST_ADMIN_USER failed"
    log "console login as $OCS_TEST_ADMIN_USER works"
fi

# ---------------------------------------------------------------- 6. CA for the agent
install_file "$OCS_TEST_STATE/cacert.pem" 644 <"$CA_CRT" || true
install_file "$OCS_TEST_STATE/selfsigned.pem" 644 <"$SS_CRT" || true
install_file "$OCS_AGENT_VARDIR/cacert.pem" 644 <"$CA_CRT" || true

# ---------------------------------------------------------------- 7. checks
wait_until 30 "HTTPS 200 on $OCS_CONSOLE_URL_TLS/" \
    curl -sf -o /dev/null --max-time 10 --cacert "$CA_CRT" "$OCS_CONSOLE_URL_TLS/"
bad=$(ss -H -ltnp 2>/dev/null | awk '/apach|mariadb|mysqld/ && $4 !~ /^(127\.0\.0\.1|\[::1\]):/' || true)
[ -z "$bad" ] || die "a service listens on a non-loopback address: $bad"

# ---------------------------------------------------------------- 8. SSH: direct publishing and relays
OCS_CHANGED=$OCS_CHANGED bash "$(dirname "${BASH_SOURCE[0]}")/ssh-servers.sh"

trap - EXIT
restore_policy
log "done, $OCS_CHANGED change(s)"
cat <<EOF
OCS test server is up (loopback only).
  console:        $OCS_CONSOLE_URL/   and   $OCS_CONSOLE_URL_TLS/
  console login:  $OCS_TEST_ADMIN_USER / $OCS_TEST_ADMIN_PASSWORD
  agent server:   $OCS_AGENT_SERVER
  CA certificate: $OCS_TEST_STATE/cacert.pem  (also $OCS_AGENT_VARDIR/cacert.pem)
  packages dir:   $OCS_DOWNLOAD_DIR/<FILEID>/
  database:       $OCS_DB_NAME (mariadb as root via socket; console/server account ocs/ocs)
  SSH (the OCS server itself): ocsstudio@127.0.0.1:2222, key $OCS_TEST_STATE/ssh/id_ed25519
  redistribution servers:      ocsstudio@127.0.0.1:2231..2233 (+ 2234 on a 6 MiB disk), served at https://localhost/relayN/download
  changes made:   $OCS_CHANGED
EOF
