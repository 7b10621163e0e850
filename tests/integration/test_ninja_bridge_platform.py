"""The bridge against the platform, end to end on the local stack: a futures signal on the
NinjaTraderQueue (sent there directly, or routed by the signal pipeline) becomes an OIF file,
the fake NT8 fills it, and the real HttpFillReporter posts the fills, order states and NT8's
position file to ``/ninja/*`` with a trade key, where ``GET /ninja/orders/{id}`` and the NinjaTrader positions
table show them."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from fks_ninja.bridge import Bridge, Outcome
from fks_ninja.reporter import HttpFillReporter
from fks_ninja.service import BridgeService
from tests.fakes.fake_nt8 import FakeNt8
from tests.integration.pipeline_helpers import run
from tests.stack_handle import StackHandle
from tests.unit.ninja_bridge.stubs import SESSION_TIME, ConfigStubs, SignalStubs

pytestmark = pytest.mark.moto_only


def _run_signal(service: BridgeService, nt8: FakeNt8, sqs: Any, url: str, body: str) -> str:
    """One signal through the queue, the bridge and NT8 (accepted, then filled); its ORDER ID."""
    sqs.send_message(QueueUrl=url, MessageBody=body)
    report = service.poll_once()
    assert [r.outcome for r in report.handled] == [Outcome.PLACED], report.failed
    for _ in range(2):
        nt8.step()
        service.bridge.handle_outgoing()
    assert len(service.bridge.outbox) == 0, "every report reached the platform"
    order_id = report.handled[0].order_id
    assert order_id is not None
    return order_id


def _service(
    stack: StackHandle, ninja_queue: tuple[Any, str], tmp_path: Path, nt8_account: str, max_contracts: int
) -> BridgeService:
    """The real bridge for the platform's account ``e2e`` (a custom profile), reporting to the
    local API's ``/ninja`` routes with a trade key."""
    sqs, url = ninja_queue
    rules = {"max_contracts": max_contracts}
    config = ConfigStubs.bridge(
        tmp_path, queue_url=url, accounts={"e2e": {"nt8_account": nt8_account, "profile": "custom", "rules": rules}}
    )
    reporter = HttpFillReporter(stack.api_url + "/ninja", stack.api_keys["trade"], attempts=2)
    return BridgeService(Bridge(config, reporter, clock=lambda: SESSION_TIME), sqs, url, wait_seconds=1)


def _position(stack: StackHandle, account: str) -> dict[str, str]:
    item = stack.clients("dynamodb").get_item(
        TableName=stack.deployed.physical_id("NinjaPositionsTable"),
        Key={"account": {"S": account}, "symbol": {"S": "ES 12-25"}},
        ConsistentRead=True,
    )["Item"]
    return {name: next(iter(value.values())) for name, value in item.items()}


def test_a_queued_futures_signal_is_filled_in_nt8_and_booked_by_the_platform(
    local_stack: StackHandle, ninja_queue: tuple[Any, str], tmp_path: Path
) -> None:
    sqs, url = ninja_queue
    nt8_account = f"E2E-{uuid.uuid4().hex[:8]}"  # the session's stack is shared: a fresh account
    service = _service(local_stack, ninja_queue, tmp_path, nt8_account, max_contracts=5)
    nt8 = FakeNt8(tmp_path / "incoming", tmp_path / "outgoing", accounts={nt8_account})
    tag = uuid.uuid4().hex[:8]
    buy = SignalStubs.futures(signal_id=f"e2e-buy-{tag}", account="e2e", quantity="2")
    sell = SignalStubs.futures(signal_id=f"e2e-sell-{tag}", account="e2e", side="sell", quantity="3")

    # As the pipeline sends it ({"signal": ...}), then a bare signal; the second goes short through zero.
    nt8.prices["ES 12-25"] = Decimal("5001.75")
    buy_id = _run_signal(service, nt8, sqs, url, json.dumps({"signal": json.loads(buy.model_dump_json())}))
    nt8.prices["ES 12-25"] = Decimal("5004.25")
    sell_id = _run_signal(service, nt8, sqs, url, sell.model_dump_json())

    assert nt8.rejections == []
    bought = local_stack.api("GET", f"/ninja/orders/{buy_id}", scope="read").json()["order"]
    assert (bought["venue"], bought["signal_id"], bought["account"], bought["symbol"], bought["side"]) == (
        "ninjatrader",
        buy.signal_id,
        nt8_account,
        "ES 12-25",
        "buy",
    )
    assert (bought["status"], bought["filled_qty"], bought["avg_fill_price"]) == ("filled", "2", "5001.75")
    sold = local_stack.api("GET", f"/ninja/orders/{sell_id}", scope="read").json()["order"]
    assert (sold["status"], sold["side"], sold["filled_qty"]) == ("filled", "sell", "3")

    position = _position(local_stack, nt8_account)
    assert (position["quantity"], position["side"], position["avg_entry_price"]) == ("-1", "short", "5004.25")
    assert Decimal(position["realized_pnl"]) == Decimal("250")  # 2 contracts x 2.5 points x $50
    # NT8's own position file, as the bridge reported it, agrees with what the fills booked.
    assert (position["reported_quantity"], position["reported_average_price"]) == ("-1", "5004.25")

    listed = local_stack.api("GET", f"/ninja/positions?account={nt8_account}", scope="read").json()["positions"]
    assert [(p["symbol"], p["quantity"], p["side"], p["venue"]) for p in listed] == [
        ("ES 12-25", "-1", "short", "ninjatrader")
    ]


def test_a_refused_signal_is_recorded_by_the_platform(
    local_stack: StackHandle, ninja_queue: tuple[Any, str], tmp_path: Path
) -> None:
    sqs, url = ninja_queue
    service = _service(local_stack, ninja_queue, tmp_path, "E2E-R", max_contracts=1)
    signal = SignalStubs.futures(signal_id=f"e2e-refused-{uuid.uuid4().hex[:8]}", account="e2e", quantity="3")
    sqs.send_message(QueueUrl=url, MessageBody=signal.model_dump_json())

    report = service.poll_once()

    assert [r.outcome for r in report.handled] == [Outcome.REFUSED]
    item = local_stack.clients("dynamodb").get_item(
        TableName=local_stack.deployed.physical_id("SignalsTable"),
        Key={"pk": {"S": f"SIGNAL#{signal.signal_id}"}, "sk": {"S": "NINJA#REFUSAL"}},
        ConsistentRead=True,
    )["Item"]
    assert item["rule"]["S"] == "max_contracts"
    assert "max" in item["reason"]["S"]
    history = local_stack.api("GET", f"/signals/{signal.signal_id}", scope="read").json()["signal"]
    assert history["status"] == "refused"
    assert "max_contracts" in history["reason"]


def test_a_futures_signal_from_the_pipeline_is_filled_in_nt8_and_booked(
    local_stack: StackHandle, ninja_queue: tuple[Any, str], tmp_path: Path
) -> None:
    nt8_account = f"E2E-P-{uuid.uuid4().hex[:8]}"
    service = _service(local_stack, ninja_queue, tmp_path, nt8_account, max_contracts=5)
    nt8 = FakeNt8(tmp_path / "incoming", tmp_path / "outgoing", accounts={nt8_account})
    signal = SignalStubs.futures(signal_id=f"e2e-pipe-{uuid.uuid4().hex[:8]}", account="e2e", quantity="1")

    # The Step Functions pipeline validates and risk-checks it, then routes it to the queue.
    execution = run(local_stack, signal.model_dump(mode="json"))
    assert execution["status"] == "SUCCEEDED", execution
    assert local_stack.api("GET", f"/signals/{signal.signal_id}", scope="read").json()["signal"]["status"] == "routed"
    report = service.poll_once()
    assert [r.outcome for r in report.handled] == [Outcome.PLACED], report.failed
    for _ in range(2):
        nt8.step()
        service.bridge.handle_outgoing()

    order_id = report.handled[0].order_id
    order = local_stack.api("GET", f"/ninja/orders/{order_id}", scope="read").json()["order"]
    assert (order["signal_id"], order["status"], order["filled_qty"]) == (signal.signal_id, "filled", "1")
    assert _position(local_stack, nt8_account)["quantity"] == "1"
