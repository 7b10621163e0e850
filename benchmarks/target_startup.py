"""Start-up of each local target, from nothing to a stack the integration tier can use (one API key
per scope issued): the embedded moto stack (moto's server, our deployer from the source tree, the
local Lambda runtime and gateways) and the second target (MiniStack, the built template deployed
by `sam deploy`; `make second-target-tools` first). Nothing is asserted; figures vary with load.

Run: .venv/bin/python benchmarks/target_startup.py [moto|ministack ...]   (default: both)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the harnesses live in tests/

from tests.integration.conftest import STACK_PARAMETERS
from tests.second_target.ministack import PARAMETERS, Timings, ministack_stack
from tests.stack_handle import running_stack


def moto_startup() -> None:
    with tempfile.TemporaryDirectory() as state_dir:
        started = time.monotonic()
        with running_stack(Path(state_dir), STACK_PARAMETERS) as handle:
            up = time.monotonic() - started
            print(f"moto target: {len(handle.deployed.resources)} resources, usable after {up:.1f} s")


def ministack_startup() -> None:
    timings = Timings()
    with tempfile.TemporaryDirectory() as state_dir:
        started = time.monotonic()
        with ministack_stack(Path(state_dir), PARAMETERS, timings) as handle:
            up = time.monotonic() - started
            print(
                f"MiniStack target: {len(handle.deployed.resources)} resources, usable after {up:.1f} s "
                f"({timings.summary()})"
            )


if __name__ == "__main__":
    targets = sys.argv[1:] or ["moto", "ministack"]
    for target in targets:
        {"moto": moto_startup, "ministack": ministack_startup}[target]()
