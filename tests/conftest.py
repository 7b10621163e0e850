"""The session's target. Under ``FKS_TEST_TARGET=ministack`` the integration and e2e tiers run on
the stack ``sam deploy`` made in MiniStack (tests/second_target/ministack.py): each of their tests
the table in tests/integration/targets.py lists is skipped with its reason, every other one is
marked ``second_target``, and the session ends by stopping MiniStack. Here, once for the whole
session, because a conftest's collection hook sees every collected test, whichever folder holds it.
"""

from __future__ import annotations

import pytest

from tests.integration.targets import TARGET, mark_for_ministack


@pytest.hookimpl(tryfirst=True)  # before -m deselects: the tiers' tests get the target's marker here
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if TARGET == "ministack":
        mark_for_ministack(items)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    if TARGET != "ministack":
        return
    from tests.second_target.ministack import TIMINGS

    if TIMINGS.deployed and not TIMINGS.printed:
        terminalreporter.section("the second target (MiniStack)")
        terminalreporter.write_line(TIMINGS.summary())


def pytest_sessionfinish(session: pytest.Session) -> None:
    if TARGET == "ministack":
        from tests.second_target.ministack import stop_shared_stack

        stop_shared_stack()
