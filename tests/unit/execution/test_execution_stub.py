"""The hand-written ``_core.pyi`` matches the compiled module (mypy.stubtest)."""

from __future__ import annotations

import subprocess
import sys


def test_core_stub_matches_the_extension_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "fks_execution._core"], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
