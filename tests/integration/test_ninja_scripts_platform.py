"""The NinjaScript sources against the platform on the local stack: the poll queries their C#
builds (compiled with mcs, run under mono) ask ``GET /signals`` for exactly the signals the script
should act on, the C# reads the real page, and the reports the C# builds are accepted by
``/ninja/*`` (a resend counts once)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.integration.pipeline_helpers import run, start, wait_for_status
from tests.stack_handle import StackHandle
from tests.unit.ninja_bridge.ninjascript import NinjaScriptHarness
from tests.unit.ninja_bridge.stubs import SignalStubs

pytestmark = pytest.mark.moto_only


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> NinjaScriptHarness:
    return NinjaScriptHarness.build(tmp_path_factory.mktemp("ninjascript"))


def _routed(stack: StackHandle, **fields: Any) -> str:
    signal = SignalStubs.futures(signal_id=f"nts-{uuid.uuid4().hex[:12]}", **fields)
    execution = run(stack, signal.model_dump(mode="json"))
    assert execution["status"] == "SUCCEEDED", execution
    wait_for_status(stack, signal.signal_id, "routed")
    return signal.signal_id


def _listed(stack: StackHandle, query: str) -> tuple[set[str], list[str]]:
    """Every signal id the query lists, following next_token, and the pages' bodies."""
    ids: set[str] = set()
    bodies: list[str] = []
    token: str | None = None
    while True:
        params: dict[str, str] = {"next_token": token} if token else {}
        response = stack.api("GET", f"/signals?{query}", scope="read", params=params)
        assert response.status_code == 200, response.text
        bodies.append(response.text)
        ids |= {s["signal_id"] for s in response.json()["signals"]}
        token = response.json()["next_token"]
        if token is None:
            return ids, bodies


def test_the_scripts_poll_only_the_signals_they_act_on(
    local_stack: StackHandle, ninja_queue: tuple[Any, str], harness: NinjaScriptHarness
) -> None:
    account = f"nts-{uuid.uuid4().hex[:8]}"
    before_start = _routed(local_stack, account=account)
    started = datetime.now(UTC)
    mine = _routed(local_stack, account=account)
    _routed(local_stack, account=f"other-{account}")
    _routed(local_stack, account=account, symbol="NQ 12-25")
    waiting = SignalStubs.futures(signal_id=f"nts-{uuid.uuid4().hex[:12]}", account=account, mode="manual")
    start(local_stack, waiting.model_dump(mode="json"))
    wait_for_status(local_stack, waiting.signal_id, "pending_approval")
    queries = harness.values("queries", "ES 12-25", account, started.isoformat())

    automated, bodies = _listed(local_stack, queries["automated"])
    charted, _ = _listed(local_stack, queries["indicator"])

    # Routed since the strategy started: not the earlier one, not the one awaiting approval.
    assert automated == {mine}
    # The indicator shows the chart's instrument and account in any status over its look-back.
    assert charted == {before_start, mine, waiting.signal_id}
    # A filter the API does not know is refused, never ignored (the old scripts' poll was unfiltered).
    unknown = local_stack.api("GET", f"/signals?{queries['automated']}&instrument=ES", scope="read")
    assert (unknown.status_code, "instrument" in unknown.text) == (400, True)
    assert local_stack.api("GET", "/signals?symbol=ES", scope="read").status_code == 400
    read = [line for body in bodies for line in harness.run("parse-signals", stdin=body) if "signal_id" in line]
    assert [(s["signal_id"], s["status"], s["account"], s["symbol"], s["quantity"]) for s in read] == [
        (mine, "routed", account, "ES 12-25", 1)
    ]


def test_the_strategys_reports_are_accepted_once_by_the_platform(
    local_stack: StackHandle, harness: NinjaScriptHarness, tmp_path: Path
) -> None:
    tag = f"-{uuid.uuid4().hex[:6]}"
    lines = harness.run("reports", tag)

    def post(line: dict[str, Any]) -> tuple[int, Any]:
        response = local_stack.api(
            "POST",
            line["path"],
            scope="trade",
            data=line["body"],
            headers={"Content-Type": "application/json", "Idempotency-Key": line["key"]},
        )
        return response.status_code, response.json()

    answers = {line["name"]: post(line) for line in lines}

    assert all(status in (200, 201) for status, _ in answers.values()), answers
    assert answers["entry fill 1"][0] == answers["entry fill 2"][0] == 201
    assert answers["entry fill 1 again"] == (200, {**answers["entry fill 1"][1], "outcome": "duplicate"})
    assert answers["refusal"][0] == 201
    # Sent again, every report is a replay the platform counts once.
    assert {post(line)[1]["outcome"] for line in lines} == {"duplicate"}
    order_id = json.loads(next(line["body"] for line in lines if line["name"] == "entry fill 1"))["order_id"]
    order = local_stack.api("GET", f"/ninja/orders/{order_id}", scope="read").json()["order"]
    assert (order["status"], order["filled_qty"], order["side"], order["account"]) == (
        "filled",
        "3",
        "buy",
        f"Sim101{tag}",
    )
    positions = local_stack.api("GET", f"/ninja/positions?account=Sim101{tag}", scope="read").json()["positions"]
    # Bought 3, the reversal exit sold 3, the unnamed order sold 1: short one contract.
    assert [(p["symbol"], p["quantity"]) for p in positions] == [("ES 12-25", "-1")]
