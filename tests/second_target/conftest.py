"""The second target (issue 25): the integration chain on MiniStack, the template deployed by the
SAM CLI. A tier of its own (``pytest tests/second_target -m second_target``; ``make
test-second-target`` makes its tools first); the plain ``pytest tests`` run skips it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from fks_local.aws_session import LOCAL_CREDENTIALS
from tests.second_target.ministack import TIMINGS, shared_stack, stop_shared_stack
from tests.stack_handle import StackHandle


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "second_target" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="the second target runs on its own: make test-second-target")
    for item in items:
        if "second_target" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    if TIMINGS.deployed and not TIMINGS.printed:
        terminalreporter.section("second target (MiniStack)")
        terminalreporter.write_line(TIMINGS.summary())


def pytest_sessionfinish(session: pytest.Session) -> None:
    stop_shared_stack()


@pytest.fixture(scope="session")
def local_stack() -> StackHandle:
    """The stack `sam deploy` made in MiniStack, shared with the integration tier when it runs on
    MiniStack in the same process (FKS_TEST_TARGET=ministack)."""
    try:
        return shared_stack()
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture
def aws_env(local_stack: StackHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    """awswrangler reads through the default boto3 session: point it at the emulator."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", local_stack.endpoint_url)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name, value in LOCAL_CREDENTIALS.items():
        monkeypatch.setenv(name, value)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed test's report carries every failed or timed-out state of the signal pipeline's
    executions: the emulator's processes are gone once the session ends."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    stack = getattr(item, "funcargs", {}).get("local_stack")
    if report.when != "call" or not report.failed or not isinstance(stack, StackHandle):
        return
    report.sections.append(("signal pipeline executions", _failed_states(stack)))


def _failed_states(stack: StackHandle) -> str:
    sfn = stack.clients("stepfunctions")
    lines = []
    for execution in sfn.list_executions(stateMachineArn=stack.output("SignalStateMachineArn"))["executions"]:
        lines.append(f"{execution['name']}: {execution['status']}")
        events = sfn.get_execution_history(executionArn=execution["executionArn"], maxResults=1000)["events"]
        for event in events:
            if event["type"].endswith(("Failed", "TimedOut")) or execution["status"] == "RUNNING":
                details = {k: v for k, v in event.items() if k.endswith("Details")}
                lines.append(f"  {event['type']} {json.dumps(details, default=str)[:600]}")
    return "\n".join(lines)
