"""The local packager ships what `sam build` built when told where (FKS_LOCAL_BUILD_DIR)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from fks_local.template import Artifact, TemplateError, package

TEMPLATE = {
    "Resources": {
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "functions/fn/", "Handler": "app.h"}},
        "DepsLayer": {
            "Type": "AWS::Serverless::LayerVersion",
            "Properties": {"ContentUri": "layers/deps/", "CompatibleRuntimes": ["python3.12"]},
            "Metadata": {"BuildMethod": "makefile"},
        },
    }
}


def _files(artifacts: list[Artifact], logical_id: str) -> dict[str, str]:
    body = next(a.body for a in artifacts if a.logical_id == logical_id)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "functions" / "fn").mkdir(parents=True)
    (tmp_path / "functions" / "fn" / "app.py").write_text("source")
    (tmp_path / "layers" / "deps").mkdir(parents=True)
    (tmp_path / "layers" / "deps" / "requirements.txt").write_text("pydantic")
    return tmp_path


def test_without_a_build_the_source_tree_is_packaged(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FKS_LOCAL_BUILD_DIR", raising=False)
    _, artifacts = package(TEMPLATE, root)
    assert _files(artifacts, "Fn") == {"app.py": "source"}
    assert _files(artifacts, "DepsLayer") == {"python/requirements.txt": "pydantic"}


def test_with_a_build_each_function_and_layer_is_its_built_folder(root: Path, tmp_path: Path) -> None:
    build = tmp_path / "build"
    (build / "Fn").mkdir(parents=True)
    (build / "Fn" / "app.py").write_text("built")
    (build / "DepsLayer" / "python" / "pydantic").mkdir(parents=True)
    (build / "DepsLayer" / "python" / "pydantic" / "__init__.py").write_text("installed")
    # A sourceless layer is bytecode only: shipped whole, as sam deploy does.
    (build / "DepsLayer" / "python" / "six.pyc").write_text("bytecode")

    _, artifacts = package(TEMPLATE, root, build)

    assert _files(artifacts, "Fn") == {"app.py": "built"}
    assert _files(artifacts, "DepsLayer") == {"python/pydantic/__init__.py": "installed", "python/six.pyc": "bytecode"}


def test_a_resource_the_build_lacks_is_named(root: Path, tmp_path: Path) -> None:
    (tmp_path / "build" / "Fn").mkdir(parents=True)
    with pytest.raises(TemplateError, match=r"DepsLayer: not in .*make sam-build"):
        package(TEMPLATE, root, tmp_path / "build")
