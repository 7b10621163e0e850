"""The e2e tier. Under FKS_TEST_TARGET=ministack a test on a deployed stack runs on the stack
``sam deploy`` made in MiniStack (``stack_of_its_own``, tests/integration/conftest.py); what uses no
deployed stack, or only the embedded one its own command starts, is skipped with the reason the
table in tests/integration/targets.py gives it (as ``e2e/<module>``)."""

from __future__ import annotations

import pytest

from tests.integration.targets import TARGET, mark_for_ministack


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if TARGET == "ministack":
        mark_for_ministack(items)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    if TARGET != "ministack":
        return
    from tests.second_target.ministack import TIMINGS

    if TIMINGS.deployed and not TIMINGS.printed:
        terminalreporter.section("e2e tier on the second target (MiniStack)")
        terminalreporter.write_line(TIMINGS.summary())


def pytest_sessionfinish(session: pytest.Session) -> None:
    if TARGET == "ministack":
        from tests.second_target.ministack import stop_shared_stack

        stop_shared_stack()
