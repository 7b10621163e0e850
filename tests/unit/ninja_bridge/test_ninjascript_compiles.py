"""The NinjaScript sources compile against the NT8 API stubs with Debian's mono-mcs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3] / "ninja_bridge"
SCRIPT = ROOT / "scripts" / "check_ninjascript.sh"


@pytest.fixture(autouse=True)
def _needs_mcs() -> None:
    # In CI a missing compiler is a broken image, not a reason to skip the check.
    if shutil.which("mcs") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("mcs is missing in CI: install Debian's mono-mcs")
        pytest.skip("mcs not installed (apt-get install -y mono-mcs)")


def test_ninjascript_sources_compile_against_the_stubs() -> None:
    result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=300, check=False)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok (8 sources)" in result.stdout


def test_a_source_with_a_type_error_fails_the_check(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "ninjascript", tmp_path / "ninjascript")
    strategy = tmp_path / "ninjascript" / "FKSAutomatedStrategy.cs"
    strategy.write_text(
        strategy.read_text().replace("EnterLong(signal.Quantity, signal.SignalId)", "EnterLong(signal)")
    )

    result = subprocess.run(
        [str(SCRIPT), str(tmp_path / "ninjascript")], capture_output=True, text=True, timeout=300, check=False
    )

    assert result.returncode != 0
    assert "FKSAutomatedStrategy.cs" in result.stdout + result.stderr
