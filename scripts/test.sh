#!/usr/bin/env bash
# Installs what is missing and runs every test: unit and integration tests of the core (real MSIs from wixl,
# unzip/md5sum/tar/xmllint as judges), the app's generated bindings, the Windows build of the CLI under Wine (with
# Wine's cmd.exe and msiexec judging install.bat), the real OCS console on loopback, and the real window under Xvfb
# driven by WebDriver. This is what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n\033[1m== %s (%ss)\033[0m\n' "$*" "$(( $(date +%s) - start ))"; }

step "bootstrap"
scripts/bootstrap.sh --test

step "licences of every dependency (cargo deny check licenses, deny.toml)"
command -v cargo-deny >/dev/null || cargo install --locked cargo-deny
cargo deny --log-level error check licenses

step "cargo test --workspace (core unit + integration tests, app bindings)"
cargo test --workspace --locked

step "generated TypeScript bindings are committed and current"
if git rev-parse --git-dir >/dev/null 2>&1; then
    git diff --exit-code -- ui/src/bindings.ts || { echo "ui/src/bindings.ts is stale: commit the regenerated file" >&2; exit 1; }
fi

step "real OCS server on loopback, reset to a fresh install (scripts/ocs-server/setup.sh, reset.sh)"
# reset.sh: no package, no computer, no agent history left by earlier runs, so that the server tests behave as on
# a new machine (each test registers the computers it needs and removes the packages it made).
{ bash scripts/ocs-server/setup.sh && bash scripts/ocs-server/reset.sh; } > "${TMPDIR:-/tmp}/ocs-server-setup.log" 2>&1 ||
    { tail -40 "${TMPDIR:-/tmp}/ocs-server-setup.log"; exit 1; }
tail -n 3 "${TMPDIR:-/tmp}/ocs-server-setup.log"

step "tests judged by the real OCS console and the real agent (in a fresh session keyring)"
# keyctl session: the keyring tests get a kernel session keyring of their own, gone when they end.
keyctl session - cargo test --workspace --locked --test real_console --test real_agent --test real_publish --test real_ssh --test real_faults --test real_disk -- --ignored

step "Windows: the CLI built for Windows, judged under Wine (scripts/windows/setup.sh, tests/wine.rs)"
# The Windows CLI against the Linux one and against the loopback server (Windows' TLS stack and credential store),
# and every install.bat template run by Wine's cmd.exe and msiexec.
scripts/windows/setup.sh
cargo test --locked --test wine -- --ignored

step "UI: component tests (vitest), type check, build, app with the UI embedded"
(cd ui && npm test --silent && npm run --silent app:build:debug)

step "window tests under Xvfb (tauri-driver + WebKitWebDriver)"
# STUDIO_OCS_*: the window also publishes, deploys and shows results against the loopback server.
(cd ui && STUDIO_OCS_SERVER=https://localhost/ocsreports/ STUDIO_OCS_CA=/var/lib/ocs-studio-test/cacert.pem \
    STUDIO_OCS_PASSWORD="${OCS_TEST_ADMIN_PASSWORD:-studio-admin-pw}" \
    timeout 600 xvfb-run -a -s "-screen 0 1280x800x24" npm run --silent e2e)

step "all tests passed"
