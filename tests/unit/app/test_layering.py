"""The layers import downwards only: functions → use cases (``fks_app``) → adapters
(``fks_adapters``) → domain (``fks``). An adapter that imported a use case would be doing more
than I/O, and a domain module that imported either would drag AWS into pure rules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LAYERS = Path(__file__).resolve().parents[3] / "layers"
FORBIDDEN = {
    "fks": ("fks_adapters", "fks_app"),
    "fks_adapters": ("fks_app",),
}
PACKAGES = {"fks": LAYERS / "core" / "fks", "fks_adapters": LAYERS / "adapters" / "fks_adapters"}


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_a_layer_imports_nothing_above_it(package: str) -> None:
    files = sorted(PACKAGES[package].rglob("*.py"))
    assert files, f"no module found under {PACKAGES[package]}"
    upward = {
        f"{path.relative_to(LAYERS)} imports {name}"
        for path in files
        for name in _imported(path)
        if name.split(".")[0] in FORBIDDEN[package]
    }
    assert not upward, sorted(upward)


def test_the_use_cases_are_where_the_design_says() -> None:
    """The modules the design names as use cases live in fks_app, and none is left in the adapters."""
    app = LAYERS / "adapters" / "fks_app"
    use_cases = ["backtests", "models", "risk_context", "valuation", "booking", "signal_generation", "order_sync"]
    assert [name for name in use_cases if not (app / f"{name}.py").is_file()] == []
    adapters = LAYERS / "adapters" / "fks_adapters"
    left = ["strategies/backtests.py", "ml/service.py", "pipeline/risk_context.py", "portfolio/valuation.py"]
    assert [name for name in left if (adapters / name).exists()] == []
