"""template.yaml passes cfn-lint and the SAM transform; a broken one fails naming the resource."""

from __future__ import annotations

from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint

from fks_local.stack import PROJECT_ROOT
from fks_local.template import BUILD_DIR_ENV, TemplateError, load, package, translate

TEMPLATE = PROJECT_ROOT / "template.yaml"


@pytest.fixture(autouse=True)
def source_tree_packaging(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests package the source tree; `make test` points the local stack at sam build's output
    (FKS_LOCAL_BUILD_DIR), which test_template_built.py covers."""
    monkeypatch.delenv(BUILD_DIR_ENV, raising=False)


def _lint_messages(path: Path) -> list[str]:
    # The cfn-lint command's defaults: the deploy region, errors and warnings (no informational hints).
    matches = lint(path.read_text(), config=ManualArgs(regions=["us-east-1"]))
    return [f"{m.rule.id} {m.path} {m.message}" for m in matches if m.rule.id[0] in "EW"]


def test_template_passes_cfn_lint_with_no_warnings() -> None:
    assert _lint_messages(TEMPLATE) == []


def test_template_translates_to_cloudformation() -> None:
    packaged, artifacts = package(load(TEMPLATE), PROJECT_ROOT)

    translated = translate(packaged, {"EnableTimestream": "false"})

    types = {r["Type"] for r in translated["Resources"].values()}
    assert "AWS::Serverless::Function" not in types
    assert {"AWS::Lambda::Function", "AWS::StepFunctions::StateMachine", "AWS::ApiGateway::RestApi"} <= types
    assert {a.logical_id for a in artifacts} >= {"CoreLayer", "MonitorFunction", "ValidateSignalFunction"}


def test_python_layer_is_packaged_under_python_dir() -> None:
    _, artifacts = package(load(TEMPLATE), PROJECT_ROOT)
    core = next(a for a in artifacts if a.logical_id == "CoreLayer")

    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(core.body)).namelist()
    assert "python/fks/signals.py" in names
    assert not any("__pycache__" in n for n in names)


def test_packaging_is_reproducible() -> None:
    _, first = package(load(TEMPLATE), PROJECT_ROOT)
    _, second = package(load(TEMPLATE), PROJECT_ROOT)

    assert [a.key for a in first] == [a.key for a in second]


def test_function_with_missing_code_dir_names_the_resource(tmp_path: Path) -> None:
    broken = tmp_path / "template.yaml"
    broken.write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  OrphanFunction:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {CodeUri: functions/nowhere/, Handler: app.handler, Runtime: python3.12}\n"
    )

    with pytest.raises(TemplateError, match="OrphanFunction: CodeUri 'functions/nowhere/' is not a directory"):
        package(load(broken), tmp_path)


def test_transform_error_names_the_resource(tmp_path: Path) -> None:
    (tmp_path / "code").mkdir()
    broken = tmp_path / "template.yaml"
    broken.write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  BadEventFunction:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      CodeUri: code/\n"
        "      Handler: app.handler\n"
        "      Runtime: python3.12\n"
        "      Events:\n"
        "        Tick: {Type: Schedule, Properties: {}}\n"
    )
    packaged, _ = package(load(broken), tmp_path)

    with pytest.raises(TemplateError, match="BadEventFunction"):
        translate(packaged)


def test_lint_failure_names_the_resource(tmp_path: Path) -> None:
    broken = tmp_path / "template.yaml"
    broken.write_text(
        "Resources:\n  MisspelledQueue:\n    Type: AWS::SQS::Queue\n    Properties: {VisibilityTimeOut: 30}\n"
    )

    messages = _lint_messages(broken)

    assert messages
    assert any("MisspelledQueue" in m for m in messages)
