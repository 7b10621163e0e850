"""The fuzzing tier: schemathesis against its own local stack, from the committed OpenAPI document.

It runs on its own (``pytest tests/fuzz -m fuzz``; ``make test`` does), never inside the plain
``pytest tests`` run: it changes state at random (assets, strategies, the trading state), so it
gets a stack of its own, and it costs minutes the other tiers should not wait for.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stack_handle import StackHandle, running_stack


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "fuzz" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="the fuzzing tier runs on its own: pytest tests/fuzz -m fuzz (make test does)")
    for item in items:
        if "fuzz" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackHandle]:
    with running_stack(tmp_path_factory.mktemp("fuzz-stack")) as handle:
        yield handle
