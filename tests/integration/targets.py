"""Which emulator the integration tier runs on, and what cannot run on the second one.

``FKS_TEST_TARGET=ministack`` runs the tier against the stack ``sam deploy`` made in MiniStack
(tests/second_target/ministack.py) instead of the embedded moto stack. What cannot run there is
listed here with the reason, by module or by test (``module.py::test``): one table, so the
per-service fidelity of docs/second-target.md and the skips stay one list. The e2e tier's modules
are in it too, as ``e2e/module.py``; tests/conftest.py applies the table to both tiers.
"""

from __future__ import annotations

import os
from typing import Any

TARGET = os.environ.get("FKS_TEST_TARGET", "moto")
TARGETS = ("moto", "ministack")
if TARGET not in TARGETS:
    raise ValueError(f"FKS_TEST_TARGET={TARGET!r}: one of {', '.join(TARGETS)}")

NO_STACK = "no AWS stack (the exchange simulators or fks_local's own code alone): the same on every target"
EMBEDDED_STACK = (
    "runs fks_local's embedded stack of its own (moto and fks_local's gateway, runtime and scheduler), whatever "
    "the target: the command under test starts it, so there is no MiniStack stack to run it on"
)
EMBEDDED = "reads the embedded stack's own objects (gateway limiter, access log, scheduler): moto target only"

NOT_ON_MINISTACK: dict[str, str] = {
    "test_ccxt_candle_source.py": NO_STACK,
    "test_exchange_contract.py": NO_STACK,
    "test_exchange_simulator_ccxt.py": NO_STACK,
    "test_exchange_simulator_orders.py": NO_STACK,
    "test_venue_testnets.py": NO_STACK,
    "test_lambda_runtime.py": "tests fks_local's own Lambda runtime, which MiniStack replaces",
    "test_lambda_runtime_isolated.py": "tests fks_local's own Lambda runtime, which MiniStack replaces",
    "test_deploy.py": "tests fks_local's own deployer; on MiniStack the SAM CLI deploys",
    "test_timestream_writer.py": "MiniStack has no Timestream (EnableTimestream=false there)",
    # What failed in the whole tier's run on MiniStack 1.5.33 (docs/second-target.md, per service).
    "test_api_auth.py::test_burst_over_the_plan_rate_gets_429_with_retry_after": EMBEDDED,
    "test_api_auth.py::test_each_jwt_subject_has_its_own_throttle_and_quota": EMBEDDED,
    "test_api_auth.py::test_state_changing_request_is_audited_with_the_key_id": EMBEDDED,
    "test_event_sources.py::test_tick_fires_each_schedule_and_returns_the_handler_answer": EMBEDDED,
    "test_event_sources.py::test_scheduler_fires_a_rule_when_its_time_comes": EMBEDDED,
    "test_pipeline_end_to_end.py": "waits on the embedded runtime's invocations (copy: tests/second_target)",
    # The e2e tier (tests/e2e): what uses no deployed stack, or only the one its command starts.
    "e2e/test_demo.py": f"`fks demo` {EMBEDDED_STACK}",
    "e2e/test_fks_local_cli.py": f"`fks local up` {EMBEDDED_STACK}",
    "e2e/test_fks_history_commands.py": NO_STACK,
}


# FKS_MINISTACK_RUN_SKIPPED=1 runs the tests of the table anyway: to re-check each entry against a
# newer MiniStack or a fresh build.
RUN_SKIPPED = os.environ.get("FKS_MINISTACK_RUN_SKIPPED") == "1"


def table_key(nodeid: str) -> str:
    """A test's key in the tables: its path under tests/integration/, or under tests/ for the e2e tier."""
    if "tests/e2e/" in nodeid:
        return "e2e/" + nodeid.split("tests/e2e/", 1)[1]
    return nodeid.split("tests/integration/", 1)[-1]


def not_on_ministack(nodeid: str) -> str | None:
    """Why the test ``nodeid`` cannot run on MiniStack, or None when it can."""
    if RUN_SKIPPED:
        return None
    module_and_test = table_key(nodeid)  # a parametrized case by its id, or all of them
    module = module_and_test.split("::", 1)[0]
    test = module_and_test.split("[", 1)[0]
    return NOT_ON_MINISTACK.get(module_and_test) or NOT_ON_MINISTACK.get(test) or NOT_ON_MINISTACK.get(module)


# What `make test-second-target` runs of this tier on MiniStack beside tests/second_target: a quick
# check of the deployment (about 3 minutes with the deploy) while changing the harness or a patch.
# `make test` (`make test-targets`) runs the whole tier there. The figures are in
# docs/second-target.md.
QUICK_SELECTION: tuple[str, ...] = (
    "test_api_gateway.py",
    "test_execution_breaker.py",
    "test_market_data_api.py",
    "test_monitoring.py",
    "test_ninja_bridge.py",
    "test_live_updates.py",
    "test_signal_pipeline.py",
    "test_s3_candle_store.py",
)


def mark_for_ministack(items: list[Any]) -> None:
    """Under FKS_TEST_TARGET=ministack: each collected test the table lists skipped with its reason,
    every other one marked second_target, the target's tier (tests/conftest.py's hook)."""
    import pytest

    # Each conftest's hook sees the whole session's items: only these two tiers are the target's.
    for item in (i for i in items if "tests/integration/" in i.nodeid or "tests/e2e/" in i.nodeid):
        reason = not_on_ministack(item.nodeid)
        if reason:
            item.add_marker(pytest.mark.skip(reason=f"not on MiniStack: {reason}"))
        else:
            item.add_marker(pytest.mark.second_target)
