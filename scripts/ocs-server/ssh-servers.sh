#!/usr/bin/env bash
# The SSH side of the loopback test server (called by setup.sh; idempotent):
#   - user `ocsstudio` (member of www-data, so the console can delete what it publishes), with a test password and
#     two test keys (one without passphrase, one with), authorised for every server below;
#   - sshd on 127.0.0.1:2222 for the OCS server itself (direct publishing into its download folder, its database
#     through the SSH connection);
#   - four redistribution servers, each its own sshd with its own host key and download folder:
#       relay1..relay3 on 127.0.0.1:2231..2233, and `small` on 2234, whose folder is a 6 MiB tmpfs (a full disk);
#     Apache serves each folder at https://localhost/<name>/download (and http://127.0.0.1/<name>/download), so
#     the real agent downloads from them.
# Nothing listens beyond loopback. Usage: ssh-servers.sh (as root); ssh-servers.sh stop
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$HERE/common.sh"
need_root

SSH_STATE=$OCS_TEST_STATE/ssh
RELAYS=$OCS_TEST_STATE/relays
SSH_USER=ocsstudio
SSH_PASSWORD=studio-ssh-pw
KEY_PASSPHRASE=studio-key-passphrase
# name port download-folder
SERVERS=("ocs 2222 $OCS_DOWNLOAD_DIR"
         "relay1 2231 $RELAYS/relay1/download"
         "relay2 2232 $RELAYS/relay2/download"
         "relay3 2233 $RELAYS/relay3/download"
         "small 2234 $RELAYS/small/download")
CHANGED=${OCS_CHANGED:-0}
changed() { CHANGED=$((CHANGED + 1)); log "changed: $*"; }

running() { local pid; pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

if [ "${1:-}" = stop ]; then
    for s in "${SERVERS[@]}"; do
        read -r name _ _ <<<"$s"
        pid=$(cat "$SSH_STATE/$name/sshd.pid" 2>/dev/null || true)
        [ -n "$pid" ] && kill "$pid" 2>/dev/null && log "stopped sshd $name" || true
    done
    exit 0
fi

command -v /usr/sbin/sshd >/dev/null || die "openssh-server is not installed (setup.sh installs it)"
# The system's own sshd (started by the package on some machines) would listen on every address: not here.
if [ -e /etc/init.d/ssh ] && service ssh status >/dev/null 2>&1; then
    service ssh stop >/dev/null 2>&1 || true
    changed "system sshd stopped (it listens beyond loopback)"
fi

# The account
if ! id "$SSH_USER" >/dev/null 2>&1; then
    useradd --create-home --shell /bin/bash --groups www-data "$SSH_USER"
    changed "user $SSH_USER"
fi
id -nG "$SSH_USER" | grep -qw www-data || { usermod -aG www-data "$SSH_USER"; changed "$SSH_USER in www-data"; }
if [ "$(getent shadow "$SSH_USER" | cut -d: -f2 | cut -c1)" != '$' ] || [ ! -e "$SSH_STATE/.password-set" ]; then
    echo "$SSH_USER:$SSH_PASSWORD" | chpasswd
    mkdir -p "$SSH_STATE" && touch "$SSH_STATE/.password-set"
    changed "password of $SSH_USER"
fi
# The console's packages: group www-data, group-writable and setgid, so what the SSH user writes stays the
# console's to delete.
chgrp www-data "$OCS_DOWNLOAD_DIR"
[ "$(stat -c %a "$OCS_DOWNLOAD_DIR")" = 2775 ] || { chmod 2775 "$OCS_DOWNLOAD_DIR"; changed "$OCS_DOWNLOAD_DIR group-writable"; }

# Keys
mkdir -p "$SSH_STATE"
chmod 755 "$SSH_STATE"
if [ ! -s "$SSH_STATE/id_ed25519" ]; then
    ssh-keygen -q -t ed25519 -N '' -C "ocs-studio tests" -f "$SSH_STATE/id_ed25519"
    changed "test key $SSH_STATE/id_ed25519"
fi
if [ ! -s "$SSH_STATE/id_passphrase" ]; then
    ssh-keygen -q -t ed25519 -N "$KEY_PASSPHRASE" -C "ocs-studio tests (passphrase)" -f "$SSH_STATE/id_passphrase"
    changed "test key with passphrase $SSH_STATE/id_passphrase"
fi
chmod 600 "$SSH_STATE/id_ed25519" "$SSH_STATE/id_passphrase"
cat "$SSH_STATE/id_ed25519.pub" "$SSH_STATE/id_passphrase.pub" | tee "$SSH_STATE/authorized_keys.new" >/dev/null
if ! cmp -s "$SSH_STATE/authorized_keys.new" "$SSH_STATE/authorized_keys" 2>/dev/null; then
    mv -f "$SSH_STATE/authorized_keys.new" "$SSH_STATE/authorized_keys"
    changed "authorized_keys"
else
    rm -f "$SSH_STATE/authorized_keys.new"
fi
chmod 644 "$SSH_STATE/authorized_keys"
mkdir -p /run/sshd && chmod 755 /run/sshd

# Relay folders, and Apache serving them
mkdir -p "$RELAYS"
chmod 755 "$RELAYS"
conf=$(mktemp)
echo "# ocs-studio test redistribution servers (managed by scripts/ocs-server/ssh-servers.sh)" >"$conf"
for s in "${SERVERS[@]}"; do
    read -r name port dir <<<"$s"
    [ "$name" = ocs ] && continue
    mkdir -p "$dir"
    if [ "$name" = small ] && ! mountpoint -q "$dir"; then
        mount -t tmpfs -o size=6m,mode=2775 tmpfs "$dir"
        changed "6 MiB tmpfs on $dir (the full-disk relay)"
    fi
    chown "$SSH_USER:www-data" "$dir"
    chmod 2775 "$dir"
    printf 'Alias /%s/download %s\n<Directory %s>\n\tRequire all granted\n\tOptions -Indexes\n</Directory>\n' "$name" "$dir" "$dir" >>"$conf"
done
if ! cmp -s "$conf" /etc/apache2/conf-available/ocs-studio-relays.conf 2>/dev/null; then
    install -m 644 "$conf" /etc/apache2/conf-available/ocs-studio-relays.conf
    a2enconf -q ocs-studio-relays >/dev/null
    apache2ctl configtest >/dev/null 2>&1 || { apache2ctl configtest; die "apache configuration invalid"; }
    apache2ctl graceful
    changed "Apache serves the relay folders"
fi
rm -f "$conf"
[ -e /etc/apache2/conf-enabled/ocs-studio-relays.conf ] || { a2enconf -q ocs-studio-relays >/dev/null; apache2ctl graceful; changed "a2enconf ocs-studio-relays"; }

# One sshd per server
for s in "${SERVERS[@]}"; do
    read -r name port dir <<<"$s"
    d=$SSH_STATE/$name
    mkdir -p "$d"
    if [ ! -s "$d/ssh_host_ed25519_key" ]; then
        ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$d/ssh_host_ed25519_key"
        changed "host key of $name"
    fi
    cat >"$d/sshd_config.new" <<EOF
# ocs-studio test SSH server '$name' (managed by scripts/ocs-server/ssh-servers.sh)
ListenAddress 127.0.0.1:$port
HostKey $d/ssh_host_ed25519_key
PidFile $d/sshd.pid
AuthorizedKeysFile $SSH_STATE/authorized_keys
AllowUsers $SSH_USER
PermitRootLogin no
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
StrictModes yes
MaxStartups 100
MaxSessions 50
Subsystem sftp internal-sftp
LogLevel VERBOSE
EOF
    restart=0
    if ! cmp -s "$d/sshd_config.new" "$d/sshd_config" 2>/dev/null; then
        mv -f "$d/sshd_config.new" "$d/sshd_config"
        changed "sshd_config of $name"
        restart=1
    else
        rm -f "$d/sshd_config.new"
    fi
    /usr/sbin/sshd -t -f "$d/sshd_config" || die "sshd configuration of $name is invalid"
    if running "$d/sshd.pid" && [ $restart = 1 ]; then
        kill "$(cat "$d/sshd.pid")"; sleep 0.2
    fi
    if ! running "$d/sshd.pid"; then
        /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log"
        changed "sshd $name started on 127.0.0.1:$port"
    fi
done
for s in "${SERVERS[@]}"; do
    read -r name port _ <<<"$s"
    for _ in $(seq 1 50); do
        ssh-keyscan -p "$port" 127.0.0.1 >/dev/null 2>&1 && break
        sleep 0.1
    done
    ssh-keyscan -p "$port" 127.0.0.1 >/dev/null 2>&1 || die "sshd $name does not answer on 127.0.0.1:$port (log: $SSH_STATE/$name/sshd.log)"
done
bad=$(ss -H -ltnp 2>/dev/null | awk '/sshd/ && $4 !~ /^(127\.0\.0\.1|\[::1\]):/' || true)
[ -z "$bad" ] || die "an sshd listens beyond loopback: $bad"
log "SSH servers up: ocs 127.0.0.1:2222, relays 2231-2234 ($CHANGED change(s) in all)"
