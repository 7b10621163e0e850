"""infra/sam/layer.py: a layer's wheels and strip tool follow the functions' Lambda architecture."""

from __future__ import annotations

import importlib.util
import platform
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

LAYER_PY = Path(__file__).resolve().parents[3] / "infra" / "sam" / "layer.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sam_layer", LAYER_PY)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


layer = _load()


def test_arm64_layers_take_aarch64_wheels() -> None:
    assert layer.platforms("arm64") == ["manylinux2014_aarch64", "manylinux_2_28_aarch64", "manylinux_2_34_aarch64"]
    assert layer.platforms("x86_64") == ["manylinux2014_x86_64", "manylinux_2_28_x86_64", "manylinux_2_34_x86_64"]


def test_another_machines_objects_are_stripped_by_llvm_strip() -> None:
    foreign = "arm64" if platform.machine() == "x86_64" else "x86_64"
    assert layer.strip_tool(foreign) == shutil.which("llvm-strip")


def test_the_architecture_is_required(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        layer.main(["--out", str(tmp_path)])
    with pytest.raises(SystemExit):
        layer.main(["--out", str(tmp_path), "--architecture", "aarch64"])
