"""The chaos tier: one local stack, faults from a seeded schedule while signals and collection
run, then the invariants that must survive them (one venue order per booked order, candles stored
exactly once, every signal ended, positions equal to the venue's fills).

It runs on its own (``pytest tests/chaos -m chaos``; ``make test`` does), never inside the plain
``pytest tests`` run: it breaks the stack on purpose and costs minutes. ``FKS_CHAOS_SECONDS``
(default 120) bounds the chaos, ``FKS_CHAOS_SEED`` (default 17) picks the schedule.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stack_handle import StackHandle, running_stack

REPORT = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[REPORT] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The counts the chaos run printed, shown whether or not pytest captured its output."""
    lines = config.stash.get(REPORT, [])
    if lines:
        terminalreporter.section("chaos")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture
def chaos_report(request: pytest.FixtureRequest) -> list[str]:
    """Lines for the run's summary (the faults injected, the signals, the orders, the invariants)."""
    return request.config.stash[REPORT]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "chaos" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="the chaos tier runs on its own: pytest tests/chaos -m chaos (make test does)")
    for item in items:
        if "chaos" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def chaos_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackHandle]:
    with running_stack(tmp_path_factory.mktemp("chaos-stack")) as handle:
        yield handle
