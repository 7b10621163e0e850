"""Which emulator the integration tier runs on, and what cannot run on the second one.

``FKS_TEST_TARGET=ministack`` runs the tier against the stack ``sam deploy`` made in MiniStack
(tests/second_target/ministack.py) instead of the embedded moto stack. What cannot run there is
listed here with the reason, by module or by test (``module.py::test``): one table, so the
per-service fidelity of docs/second-target.md and the skips stay one list.
"""

from __future__ import annotations

import os

TARGET = os.environ.get("FKS_TEST_TARGET", "moto")
TARGETS = ("moto", "ministack")
if TARGET not in TARGETS:
    raise ValueError(f"FKS_TEST_TARGET={TARGET!r}: one of {', '.join(TARGETS)}")

NO_STACK = "no AWS stack (the exchange simulators or fks_local's own code alone): the same on every target"
OWN_STACK = "runs on a stack of its own: one more sam deploy (about a minute) per module on MiniStack"

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
}


def not_on_ministack(nodeid: str) -> str | None:
    """Why the test ``nodeid`` cannot run on MiniStack, or None when it can."""
    module_and_test = nodeid.split("tests/integration/", 1)[-1]
    module = module_and_test.split("::", 1)[0]
    test = module_and_test.split("[", 1)[0]
    return NOT_ON_MINISTACK.get(test) or NOT_ON_MINISTACK.get(module)
