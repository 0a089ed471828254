#!/usr/bin/env bash
# Builds the desktop app's Linux installers with Tauri's bundler, offline: a .deb (Debian, Ubuntu) and an .rpm
# (Fedora, RHEL, openSUSE), with the app's icon and menu entry. Installs what is missing first (as run.sh does).
# Output: target/release/bundle/deb/*.deb and target/release/bundle/rpm/*.rpm (their paths are printed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
(cd ui && node tauri.mjs build --bundles deb,rpm)
echo
echo "Linux installers:"
ls -1 target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm
