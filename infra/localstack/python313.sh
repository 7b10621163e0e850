#!/usr/bin/env bash
# Prints a folder holding a working `python3.13`, installing one with pyenv if the machine has
# none: localstack-core 2026.3.0 imports warnings.deprecated (new in 3.13), so its venv needs
# 3.13 even though its metadata says >=3.10. PATH first, then pyenv's versions, then uv's
# (uv comes from PyPI into the SAM venv, $1). Debian 12's apt has no python3.13.
set -euo pipefail
sam_venv="${1:?usage: python313.sh SAM_VENV}"

works() { "$1" -c 'import sys; assert sys.version_info[:2] == (3, 13)' >/dev/null 2>&1; }

if command -v python3.13 >/dev/null 2>&1 && works "$(command -v python3.13)"; then
  dirname "$(command -v python3.13)"; exit 0
fi
if command -v pyenv >/dev/null 2>&1; then
  version="$(pyenv latest 3.13 2>/dev/null || true)"
  if [ -z "$version" ]; then
    pyenv install --skip-existing 3.13 >&2 && version="$(pyenv latest 3.13)"
  fi
  if [ -n "$version" ] && works "$(pyenv root)/versions/$version/bin/python3.13"; then
    echo "$(pyenv root)/versions/$version/bin"; exit 0
  fi
fi
if [ -x "$sam_venv/bin/uv" ]; then
  "$sam_venv/bin/uv" python install 3.13 >&2
  found="$("$sam_venv/bin/uv" python find 3.13)"
  if works "$found"; then dirname "$found"; exit 0; fi
fi
echo "no Python 3.13: install it (pyenv install 3.13, or uv python install 3.13) and retry" >&2
exit 1
