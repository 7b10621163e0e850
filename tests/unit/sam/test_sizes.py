"""infra/sam/sizes.py: code + layers per function from a sam build folder, over the limit named."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SIZES_PY = Path(__file__).resolve().parents[3] / "infra" / "sam" / "sizes.py"

BUILT_TEMPLATE = """
Globals:
  Function:
    Layers:
      - !Ref CoreLayer
Resources:
  CoreLayer:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: CoreLayer}
  HeavyLayer:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: HeavyLayer}
  LightFunction:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: LightFunction}
  PandasFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: PandasFunction
      Layers:
        - !Ref HeavyLayer
        - !If [HasAwsSdkPandasLayer, !Ref AwsSdkPandasLayerArn, !Ref AWS::NoValue]
"""


@pytest.fixture(scope="module")
def sizes() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fks_build_sizes", SIZES_PY)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _write(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)


@pytest.fixture
def build_dir(tmp_path: Path) -> Path:
    (tmp_path / "template.yaml").write_text(BUILT_TEMPLATE)
    _write(tmp_path / "CoreLayer" / "python" / "fks" / "a.py", 1_000)
    _write(tmp_path / "HeavyLayer" / "python" / "big.so", 100_000_000)
    _write(tmp_path / "LightFunction" / "app.py", 10)
    _write(tmp_path / "PandasFunction" / "app.py", 20)
    return tmp_path


def test_each_function_counts_its_code_the_global_layers_its_own_and_the_pandas_layer(
    sizes: ModuleType, build_dir: Path
) -> None:
    found = {s.name: s for s in sizes.function_sizes(build_dir, pandas_layer_bytes=150_000_000)}

    assert found["LightFunction"].total == 1_010
    assert [name for name, _ in found["PandasFunction"].layers] == ["CoreLayer", "HeavyLayer", "AWS SDK for pandas"]
    assert found["PandasFunction"].total == 20 + 1_000 + 100_000_000 + 150_000_000


def test_a_function_over_the_limit_fails_the_command_and_is_named(
    sizes: ModuleType, build_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sizes.main([str(build_dir), "--pandas-layer-mib", "100"]) == 0
    assert sizes.main([str(build_dir), "--pandas-layer-mib", "160"]) == 1

    assert "PandasFunction is" in capsys.readouterr().err
