"""The FKS NinjaScript sources compiled with mono's mcs against the NT8 API stubs, plus a harness
(``ninjascript_harness/Harness.cs``) that runs their report builders, poll queries and parsers
under mono and prints what they make as JSON lines."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3] / "ninja_bridge"
SOURCES = ROOT / "ninjascript"
HARNESS = Path(__file__).resolve().parent / "ninjascript_harness" / "Harness.cs"
_FLAGS = ["-nologo", "-langversion:7", "-warnaserror+", "-r:System.dll", "-r:System.Core.dll"]


def require_mono() -> None:
    # In CI a missing compiler is a broken image, not a reason to skip the check.
    missing = [tool for tool in ("mcs", "mono") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{', '.join(missing)} missing in CI: install Debian's mono-mcs")
        pytest.skip(f"{', '.join(missing)} not installed (apt-get install -y mono-mcs)")


@dataclass(frozen=True)
class NinjaScriptHarness:
    folder: Path

    @classmethod
    def build(cls, folder: Path) -> NinjaScriptHarness:
        require_mono()
        folder.mkdir(parents=True, exist_ok=True)
        stubs, scripts = folder / "NinjaTrader.Stubs.dll", folder / "FKS.NinjaScript.dll"
        _mcs("-target:library", f"-out:{stubs}", str(SOURCES / "stubs" / "NinjaTraderStubs.cs"))
        _mcs("-target:library", f"-r:{stubs}", f"-out:{scripts}", *map(str, sorted(SOURCES.glob("*.cs"))))
        _mcs("-target:exe", f"-r:{stubs}", f"-r:{scripts}", f"-out:{folder / 'harness.exe'}", str(HARNESS))
        return cls(folder)

    def run(self, *args: str, stdin: str | None = None) -> list[dict[str, Any]]:
        result = subprocess.run(
            ["mono", str(self.folder / "harness.exe"), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    def values(self, *args: str, stdin: str | None = None) -> dict[str, str]:
        """The ``{"name", "value"}`` lines as a mapping."""
        return {line["name"]: line["value"] for line in self.run(*args, stdin=stdin) if "value" in line}


def _mcs(*args: str) -> None:
    result = subprocess.run(["mcs", *_FLAGS, *args], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
