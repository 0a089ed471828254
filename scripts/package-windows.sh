#!/usr/bin/env bash
# Builds OCS Package Studio for 64-bit Windows on this Debian machine (x86_64-pc-windows-gnu, linked by mingw-w64):
# the desktop app and the command line, in release mode, as a portable zip. Installs what is missing first.
# Output: target/windows/OCS-Package-Studio-<version>-windows-x64.zip (see docs/windows.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
target=x86_64-pc-windows-gnu
missing=()
for p in gcc-mingw-w64-x86-64 zip; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
rustup target list --installed | grep -qx "$target" || rustup target add "$target"

cargo build --locked --release --target "$target" --bin ocs-studio
(cd ui && node tauri.mjs build --target "$target" --no-bundle)

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
rel=target/$target/release
out=target/windows
dir=$out/OCS-Package-Studio-$version
rm -rf "$dir" && mkdir -p "$dir"
cp "$rel/ocs-studio-app.exe" "$dir/OCS Package Studio.exe"
cp "$rel/WebView2Loader.dll" "$dir/"
cp "$rel/ocs-studio.exe" "$dir/"
cat >"$dir/LISEZMOI.txt" <<'TXT'
OCS Package Studio pour Windows (64 bits)

Lancez « OCS Package Studio.exe ». Gardez WebView2Loader.dll à côté : il charge WebView2, le moteur d'affichage
de Microsoft, présent dans Windows 10 et 11 (sinon, installez le « WebView2 Runtime » de Microsoft).
La ligne de commande est ocs-studio.exe (ocs-studio.exe --help). Réglages : %APPDATA%\OCS Package Studio ;
mots de passe des consoles : Gestionnaire d'identification de Windows.

OCS Package Studio for Windows (64-bit)

Run "OCS Package Studio.exe". Keep WebView2Loader.dll beside it: it loads Microsoft's WebView2, built into
Windows 10 and 11 (otherwise install Microsoft's "WebView2 Runtime"). The command line is ocs-studio.exe
(ocs-studio.exe --help). Settings: %APPDATA%\OCS Package Studio; console passwords: Windows Credential Manager.
TXT
sed -i 's/$/\r/' "$dir/LISEZMOI.txt"
zip_file=$out/OCS-Package-Studio-$version-windows-x64.zip
rm -f "$zip_file"
(cd "$out" && zip -qr "$(basename "$zip_file")" "$(basename "$dir")")
echo
echo "Windows build: $zip_file ($(du -h "$zip_file" | cut -f1))"
ls -l "$dir"
