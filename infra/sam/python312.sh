#!/usr/bin/env bash
# Prints a folder holding a working `python3.12` (the Lambda runtime's version, which `sam build`
# and the layer builds need), installing one if the machine has none: PATH first, then pyenv's
# versions (installing 3.12 with pyenv if pyenv is there), then uv's managed Pythons (uv comes
# from PyPI into the SAM venv, $1). Debian 12's apt has no python3.12.
set -euo pipefail
sam_venv="${1:?usage: python312.sh SAM_VENV}"

works() { "$1" -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1; }

if command -v python3.12 >/dev/null 2>&1 && works "$(command -v python3.12)"; then
  dirname "$(command -v python3.12)"; exit 0
fi
if command -v pyenv >/dev/null 2>&1; then
  version="$(pyenv latest 3.12 2>/dev/null || true)"
  if [ -z "$version" ]; then
    pyenv install --skip-existing 3.12 >&2 && version="$(pyenv latest 3.12)"
  fi
  if [ -n "$version" ] && works "$(pyenv root)/versions/$version/bin/python3.12"; then
    echo "$(pyenv root)/versions/$version/bin"; exit 0
  fi
fi
if [ -x "$sam_venv/bin/uv" ]; then
  "$sam_venv/bin/uv" python install 3.12 >&2
  found="$("$sam_venv/bin/uv" python find 3.12)"
  if works "$found"; then dirname "$found"; exit 0; fi
fi
echo "no Python 3.12: install it (pyenv install 3.12, or uv python install 3.12) and retry" >&2
exit 1
