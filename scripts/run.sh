#!/usr/bin/env bash
# Installs what is missing, builds the desktop app (release) and starts it. No OCS server is needed:
# building packages offline is the default.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
(cd ui && npm run --silent app:build)
cargo build --release --locked --bin ocs-studio   # the CLI, for scripts: target/release/ocs-studio
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "No display found: run this from a desktop session (or under xvfb-run for a headless trial)." >&2
    echo "The CLI works without one: target/release/ocs-studio --help" >&2
    exit 1
fi
exec target/release/ocs-studio-app "$@"
