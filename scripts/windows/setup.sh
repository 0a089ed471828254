#!/usr/bin/env bash
# What the Wine tests run: the studio's CLI built for Windows (x86_64-pc-windows-gnu, linked by mingw-w64), with
# bcryptprimitives.dll beside it, built here from processprng.c (Wine 8 lacks the ProcessPrng that Rust's standard
# library imports on Windows). Usage: scripts/windows/setup.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/../.."
profile=debug
[ "${1:-}" = "--release" ] && profile=release
target=x86_64-pc-windows-gnu
command -v x86_64-w64-mingw32-gcc >/dev/null || { echo "mingw-w64 is missing: scripts/bootstrap.sh --test installs it" >&2; exit 1; }
rustup target list --installed | grep -qx "$target" || rustup target add "$target"
flags=(--locked --target "$target" --bin ocs-studio)
[ "$profile" = release ] && flags+=(--release)
cargo build "${flags[@]}"
out=target/$target/$profile
x86_64-w64-mingw32-gcc -O2 -shared -Wl,--kill-at -o "$out/bcryptprimitives.dll" scripts/windows/processprng.c -ladvapi32
echo "Windows CLI: $out/ocs-studio.exe (with $out/bcryptprimitives.dll for Wine)"
