"""The local runtime as AWS runs Python: python3.12, isolated from the dev venv, the function's
folder, its layers and the runtime's own packages only (``IsolatedPython``; opt in for the whole
stack with FKS_LOCAL_LAMBDA_PYTHON, FKS_LOCAL_LAMBDA_RUNTIME_PATHS and FKS_LOCAL_BUILD_DIR)."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from fks_local.lambda_runtime import FunctionConfig, IsolatedPython, LocalLambdaRuntime
from fks_local.lambda_runtime.runtime import Layer

ROOT = Path(__file__).resolve().parents[2]


def python312() -> str:
    """The python3.12 `make sam-build` uses (infra/sam/python312.sh finds it; `make test` installs it first)."""
    found = subprocess.run(
        [str(ROOT / "infra" / "sam" / "python312.sh"), str(ROOT / ".venv-sam")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if found.returncode != 0 or not found.stdout.strip():
        pytest.skip(f"no python3.12 (run `make sam-build`): {found.stderr.strip()[-200:]}")
    return str(Path(found.stdout.strip()) / "python3.12")


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _function(code: str, layers: tuple[Layer, ...] = ()) -> FunctionConfig:
    return FunctionConfig(
        name="isolated",
        arn="arn:aws:lambda:us-east-1:123456789012:function:isolated",
        runtime="python3.12",
        handler="app.handler",
        code_zip=_zip({"app.py": code}),
        layers=layers,
        timeout_s=20.0,
    )


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[LocalLambdaRuntime]:
    packages = tmp_path / "runtime-packages"
    packages.mkdir()
    (packages / "runtime_sdk.py").write_text("NAME = 'the runtime brings me'\n")
    runtime = LocalLambdaRuntime(tmp_path / "state", python=IsolatedPython(python312(), (str(packages),)))
    yield runtime
    runtime.shutdown()


def test_a_module_only_the_dev_venv_has_fails_as_runtime_import_module_error(runtime: LocalLambdaRuntime) -> None:
    # pydantic is in the dev venv (the tests import it); no layer of this function brings it.
    result = runtime.invoke(_function("import pydantic\ndef handler(event, context):\n    return 1\n"), b"{}")

    assert result.failed
    error = json.loads(result.payload)
    assert error["errorType"] == "Runtime.ImportModuleError"
    assert "pydantic" in error["errorMessage"]


def test_the_function_sees_python_3_12_its_layers_and_the_runtime_packages(runtime: LocalLambdaRuntime) -> None:
    layer = Layer("arn:aws:lambda:us-east-1:123456789012:layer:extra:1", _zip({"python/extra.py": "VALUE = 42\n"}))
    code = (
        "import sys, extra, runtime_sdk\n"
        "def handler(event, context):\n"
        "    return {'version': list(sys.version_info[:2]), 'extra': extra.VALUE, 'sdk': runtime_sdk.NAME,\n"
        "            'site': any('site-packages' in p for p in sys.path)}\n"
    )

    result = runtime.invoke(_function(code, (layer,)), b"{}")

    assert not result.failed, result.payload
    assert json.loads(result.payload) == {
        "version": [3, 12],
        "extra": 42,
        "sdk": "the runtime brings me",
        "site": False,
    }
