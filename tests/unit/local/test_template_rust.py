"""A rust-cargolambda function is packaged as sam build does: its release binary as ``bootstrap``."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from fks_local.template import TemplateError, load, package

RUST_FUNCTION = (
    "Transform: AWS::Serverless-2016-10-31\n"
    "Resources:\n"
    "  EngineFunction:\n"
    "    Type: AWS::Serverless::Function\n"
    "    Metadata: {BuildMethod: rust-cargolambda, BuildProperties: {Binary: engine}}\n"
    "    Properties: {CodeUri: ws/, Handler: bootstrap, Runtime: provided.al2023}\n"
)


@pytest.fixture
def rust_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CARGO_TARGET_DIR", raising=False)
    (tmp_path / "ws").mkdir()
    path = tmp_path / "template.yaml"
    path.write_text(RUST_FUNCTION)
    return path


def test_rust_function_zip_holds_the_release_binary_as_executable_bootstrap(rust_template: Path) -> None:
    binary = rust_template.parent / "ws" / "target" / "release" / "engine"
    binary.parent.mkdir(parents=True)
    binary.write_bytes(b"\x7fELF-not-really")

    packaged, artifacts = package(load(rust_template), rust_template.parent)

    archive = zipfile.ZipFile(io.BytesIO(artifacts[0].body))
    assert archive.namelist() == ["bootstrap"]
    assert archive.read("bootstrap") == b"\x7fELF-not-really"
    assert stat.S_IMODE(archive.getinfo("bootstrap").external_attr >> 16) == 0o755
    assert packaged["Resources"]["EngineFunction"]["Properties"]["CodeUri"].startswith("s3://")


def test_rust_function_without_built_binary_names_resource_and_build_command(rust_template: Path) -> None:
    with pytest.raises(TemplateError, match=r"EngineFunction: no built binary .*cargo build --release .* -p engine"):
        package(load(rust_template), rust_template.parent)
