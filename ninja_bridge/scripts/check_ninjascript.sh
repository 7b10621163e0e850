#!/usr/bin/env bash
# Compile-checks the FKS NinjaScript sources with Debian's mono-mcs (package mono-mcs) against a
# stub assembly of the NinjaTrader 8 API types they use. NT8 itself compiles them on Windows;
# this catches type and syntax errors in CI without NT8.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# An optional argument points at another source folder (the tests use it to prove a broken file fails).
src="${1:-$here/ninjascript}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

if ! command -v mcs >/dev/null 2>&1; then
    echo "check_ninjascript: mcs not found; install Debian's mono-mcs (apt-get install -y mono-mcs)" >&2
    exit 127
fi

# NT8 targets .NET Framework 4.8 and C# of that era; -langversion keeps newer syntax out.
common=(-nologo -target:library -langversion:7 -warnaserror+ -r:System.dll -r:System.Core.dll)

echo "check_ninjascript: compiling NinjaTrader API stubs"
mcs "${common[@]}" -out:"$out/NinjaTrader.Stubs.dll" "$src/stubs/NinjaTraderStubs.cs"

echo "check_ninjascript: compiling FKS NinjaScript sources against the stubs"
mcs "${common[@]}" -r:"$out/NinjaTrader.Stubs.dll" -out:"$out/FKS.NinjaScript.dll" "$src"/*.cs

echo "check_ninjascript: ok ($(ls "$src"/*.cs | wc -l) sources)"
