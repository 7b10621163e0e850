"""The fuzzing tier: schemathesis against its own local stack, from the committed OpenAPI document.

It runs on its own (``pytest tests/fuzz -m fuzz``; ``make test`` does), never inside the plain
``pytest tests`` run: it changes state at random (assets, strategies, the trading state), so it
gets a stack of its own, and it costs minutes the other tiers should not wait for.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fks_local.stack import LocalStack, StackOptions
from tests.stack_handle import StackHandle


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "fuzz" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="the fuzzing tier runs on its own: pytest tests/fuzz -m fuzz (make test does)")
    for item in items:
        if "fuzz" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackHandle]:
    stack = LocalStack(StackOptions(state_dir=tmp_path_factory.mktemp("fuzz-stack"), schedules=False))
    stack.start()
    try:
        handle = StackHandle.from_stack(stack)
        handle.issue_api_keys()
        yield handle
    finally:
        stack.stop()
