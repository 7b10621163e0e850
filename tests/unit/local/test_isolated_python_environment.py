"""The opt-in built-artifact runtime read from the environment (docs/deploy.md's commands)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fks_local.lambda_runtime import IsolatedPython
from fks_local.lambda_runtime.runtime import PYTHON_ENV, RUNTIME_PATHS_ENV


def test_without_an_interpreter_the_dev_venv_runs_the_functions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PYTHON_ENV, raising=False)

    assert IsolatedPython.from_environment() is None


def test_relative_runtime_paths_are_made_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An instance runs in its own unpacked folder: a path relative to the shell's would find nothing."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(PYTHON_ENV, "python3.12")
    monkeypatch.setenv(RUNTIME_PATHS_ENV, os.pathsep.join([".venv-sam/lambda-runtime", "", "/opt/standin"]))

    isolated = IsolatedPython.from_environment()

    assert isolated is not None
    assert isolated.runtime_paths == (str(tmp_path / ".venv-sam" / "lambda-runtime"), "/opt/standin")
    assert isolated.command[:3] == ("python3.12", "-I", "-S")
