"""infra/sam/architecture.py: every compiled file of a build is for the functions' architecture."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ARCHITECTURE_PY = Path(__file__).resolve().parents[3] / "infra" / "sam" / "architecture.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sam_architecture", ARCHITECTURE_PY)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


architecture = _load()


def elf_header(machine: int) -> bytes:
    """The first 64 bytes of a little-endian ELF64 shared object for ``machine`` (e_machine)."""
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)  # ELFCLASS64, ELFDATA2LSB, EV_CURRENT
    return ident + (3).to_bytes(2, "little") + machine.to_bytes(2, "little") + bytes(44)  # ET_DYN


@pytest.fixture
def build(tmp_path: Path) -> Path:
    """A sam build folder: a layer with an extension and a source file, a function with a bootstrap."""
    (tmp_path / "CoreLayer" / "python" / "fks_execution").mkdir(parents=True)
    (tmp_path / "CoreLayer" / "python" / "fks_execution" / "__init__.py").write_text("from ._core import *\n")
    (tmp_path / "ExecuteOrderFunction").mkdir()
    (tmp_path / "AssetsFunction").mkdir()
    (tmp_path / "AssetsFunction" / "app.py").write_text("def lambda_handler(event, context): ...\n")
    return tmp_path


def put(path: Path, machine: int) -> None:
    path.write_bytes(elf_header(machine) + b"\0" * 128)


def test_a_build_all_for_the_architecture_passes(build: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(build / "CoreLayer" / "python" / "fks_execution" / "_core.abi3.so", 0xB7)
    put(build / "ExecuteOrderFunction" / "bootstrap", 0xB7)

    code = architecture.main([str(build), "arm64", "--require", "CoreLayer", "--require", "ExecuteOrderFunction"])

    assert code == 0
    assert "CoreLayer: 1 compiled files, 1 for arm64" in capsys.readouterr().out


def test_a_file_for_another_machine_is_named(build: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(build / "CoreLayer" / "python" / "fks_execution" / "_core.abi3.so", 0x3E)  # x86_64 in an arm64 build
    put(build / "ExecuteOrderFunction" / "bootstrap", 0xB7)

    code = architecture.main([str(build), "arm64"])

    assert code == 1
    err = capsys.readouterr().err
    assert "CoreLayer/python/fks_execution/_core.abi3.so: built for x86_64, not arm64" in err
    assert "bootstrap" not in err


def test_a_required_folder_without_compiled_code_fails(build: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(build / "ExecuteOrderFunction" / "bootstrap", 0x3E)

    code = architecture.main([str(build), "x86_64", "--require", "CoreLayer", "--require", "RiskLayer"])

    assert code == 1
    err = capsys.readouterr().err
    assert "CoreLayer: no compiled file" in err
    assert "RiskLayer: not built in" in err


def test_only_elf_files_are_read(tmp_path: Path) -> None:
    (tmp_path / "script.py").write_text("print('not compiled')\n")
    (tmp_path / "short").write_bytes(b"\x7fELF")
    put(tmp_path / "ext.so", 0xB7)

    assert architecture.elf_machine(tmp_path / "script.py") is None
    assert architecture.elf_machine(tmp_path / "short") is None
    assert architecture.elf_machine(tmp_path / "ext.so") == 0xB7
