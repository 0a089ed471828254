#!/usr/bin/env bash
# Installs what OCS Package Studio needs and is missing on a Debian (bookworm) machine. Idempotent and quick
# when everything is there. Usage: scripts/bootstrap.sh [--test]   (--test adds what the test suite uses)
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[bootstrap] %s\033[0m\n' "$*" >&2; exit 1; }
sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages: build tools and WebKitGTK for the app; the rest only for the tests
# (Xvfb + WebKitWebDriver for the window tests, wixl and makensis for real installers, unzip/zip/xmllint/python3
# as independent judges).
pkgs=(build-essential pkg-config libwebkit2gtk-4.1-dev libssl-dev curl ca-certificates)
if [ $want_tests -eq 1 ]; then
    pkgs+=(xvfb xauth webkit2gtk-driver wixl nsis libxml2-utils zip unzip python3 imagemagick keyutils openssl)
    # The Windows build (mingw-w64) and Wine, whose cmd.exe and msiexec judge the install.bat the studio writes.
    pkgs+=(gcc-mingw-w64-x86-64 wine wine64 libgnutls30)  # GnuTLS: Wine's schannel (only recommended by Wine)
fi
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    for i in 1 2 3 4 5; do sudo_ apt-get update -qq && break || { say "apt-get update failed (lock?), retry $i"; sleep 5; }; done
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
fi

# Toolchains: Rust (rustup) and Node 20 cannot be fetched from here; say so plainly if absent.
command -v cargo >/dev/null || die "Rust is missing: install it with rustup (https://rustup.rs), version 1.90 or newer"
command -v node >/dev/null || die "Node.js is missing: install Node 20 (with npm)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node $node_major is too old: the UI (Vite 8) needs Node 20 or newer"

if [ $want_tests -eq 1 ] && ! command -v tauri-driver >/dev/null; then
    say "installing tauri-driver (WebDriver bridge for the window tests)"
    cargo install tauri-driver --locked --quiet
fi

if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    say "installing the UI's npm packages"
    (cd ui && npm ci --no-fund --no-audit --loglevel=error)
fi
say "ready"
