"""infra/sam/imports.py: a built function imported with only its folder and layers, heavy paths too."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

SAM_DIR = Path(__file__).resolve().parents[3] / "infra" / "sam"

BUILT_TEMPLATE = """
Globals:
  Function:
    Runtime: python3.12
    Handler: app.lambda_handler
    Layers:
      - !Ref PlotsLayer
Resources:
  PlotsLayer:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: PlotsLayer}
  BacktestsFunction:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: BacktestsFunction}
"""


@pytest.fixture(scope="module")
def imports() -> ModuleType:
    sys.path.insert(0, str(SAM_DIR))  # imports.py imports its sibling sizes.py
    try:
        import imports as module
    finally:
        sys.path.remove(str(SAM_DIR))
    return module


def build(tmp_path: Path, *, with_optimiser: bool) -> Path:
    (tmp_path / "template.yaml").write_text(BUILT_TEMPLATE)
    (tmp_path / "BacktestsFunction").mkdir()
    (tmp_path / "BacktestsFunction" / "app.py").write_text("def lambda_handler(event, context):\n    return {}\n")
    layer = tmp_path / "PlotsLayer" / "python"
    layer.mkdir(parents=True)
    for name in ["matplotlib", "matplotlib/backends"] + (["optuna"] if with_optimiser else []):
        (layer / name).mkdir(exist_ok=True)
        (layer / name / "__init__.py").write_text("")
    (layer / "matplotlib" / "figure.py").write_text("")
    (layer / "matplotlib" / "backends" / "backend_agg.py").write_text("")
    (tmp_path / "runtime").mkdir()
    return tmp_path


def test_a_function_whose_layers_bring_its_heavy_paths_passes(
    imports: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    built = build(tmp_path, with_optimiser=True)
    assert imports.main([str(built), "--runtime", str(built / "runtime"), "--python", sys.executable]) == 0
    assert "(and optuna, matplotlib.figure" in capsys.readouterr().out


def test_a_heavy_path_no_layer_brings_fails_as_aws_would(
    imports: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    built = build(tmp_path, with_optimiser=False)
    assert imports.main([str(built), "--runtime", str(built / "runtime"), "--python", sys.executable]) == 1
    out = capsys.readouterr().out
    assert (
        "BacktestsFunction                Runtime.ImportModuleError: ModuleNotFoundError: No module named 'optuna'"
        in out
    )
    assert "known gap" not in out  # every function's heavy paths are in its layers now
