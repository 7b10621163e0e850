"""Two NinjaTrader bridges for two NT8 instances on one stack: each claims its account with its own
queue, the signal pipeline routes each account's futures signals to that bridge's queue (an
account no bridge claimed goes to the default queue), each bridge trades its own fake NT8, beats
its own heartbeat and keeps its own reconciliation state, and an open loss past one account's
limit flattens that account only."""

from __future__ import annotations

import itertools
import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from fks_ninja.__main__ import main
from fks_ninja.bridge import Bridge
from fks_ninja.heartbeat import METRIC, NAMESPACE, Heartbeat
from fks_ninja.reporter import HttpFillReporter
from fks_ninja.routes import AccountRoutedElsewhere, BridgeRoutes
from fks_ninja.service import BridgeService
from tests.fakes.fake_nt8 import FakeNt8
from tests.integration.pipeline_helpers import run
from tests.stack_handle import StackHandle
from tests.unit.ninja_bridge.stubs import SESSION_TIME, ConfigStubs, SignalStubs

pytestmark = pytest.mark.moto_only
START_MS = int(SESSION_TIME.timestamp() * 1000)


class _Instance:
    """One NT8 instance (a fake) with its bridge, its queue and its account."""

    def __init__(self, stack: StackHandle, tmp_path: Path, name: str, tag: str, rules: dict[str, Any]) -> None:
        sqs = stack.clients("sqs")
        default_queue = stack.output("NinjaTraderQueueUrl")
        self.name = f"bridge-{name}-{tag}"
        self.queue_url = sqs.create_queue(QueueName=f"{default_queue.rsplit('/', 1)[1]}-{name}-{tag}")["QueueUrl"]
        self.account = f"acct-{name}-{tag}"
        self.nt8_account = f"NT8{name.upper()}-{tag}"
        folder = tmp_path / name
        config = ConfigStubs.bridge(
            folder,
            queue_url=self.queue_url,
            routes_table=stack.output("NinjaBridgeRoutesTableName"),
            bridge_name=self.name,
            state_dir=folder,
            account_values=folder / "accounts",
            accounts={self.account: {"nt8_account": self.nt8_account, "profile": "custom", "rules": rules}},
        )
        clock = itertools.count(START_MS, 1000)
        self.nt8 = FakeNt8(
            folder / "incoming",
            folder / "outgoing",
            accounts={self.nt8_account},
            prices={"ES 12-25": Decimal(5000)},
            account_values=folder / "accounts",
            point_values={"ES": Decimal(50)},
            clock_ms=lambda: next(clock),
        )
        reporter = HttpFillReporter(stack.api_url + "/ninja", stack.api_keys["trade"], attempts=2)
        heartbeat = Heartbeat(stack.clients("cloudwatch"), "dev", self.name)
        bridge = Bridge(config, reporter, clock=lambda: SESSION_TIME)
        self.service = BridgeService(bridge, sqs, self.queue_url, wait_seconds=1, heartbeat=heartbeat)
        self.routes = BridgeRoutes(stack.clients("dynamodb"), config.routes_table or "", self.name, self.queue_url)

    def start(self) -> None:
        """The bridge starts (reconcile, heartbeat, one pass) with NT8's first account values."""
        self.nt8.step()
        self.service.run(max_batches=1)

    def serve(self, passes: int = 4) -> None:
        """NT8 steps, then one pass of the bridge's loop (queue, then outgoing), a few times."""
        for _ in range(passes):
            self.nt8.step()
            self.service.poll_once()
            self.service.bridge.handle_outgoing()

    def position(self, stack: StackHandle) -> list[tuple[str, str, str]]:
        """(contract, contracts booked from fills, contracts in NT8's own position file)."""
        listed = stack.api("GET", f"/ninja/positions?account={self.nt8_account}", scope="read").json()["positions"]
        return [(p["symbol"], p["quantity"], p["reported_quantity"]) for p in listed]


def _routed(stack: StackHandle, account: str, **fields: Any) -> str:
    signal = SignalStubs.futures(signal_id=f"nb-{uuid.uuid4().hex[:12]}", account=account, **fields)
    execution = run(stack, signal.model_dump(mode="json"))
    assert execution["status"] == "SUCCEEDED", execution
    return signal.signal_id


def test_two_bridges_trade_two_accounts_each_on_its_own_nt8(
    local_stack: StackHandle, ninja_queue: tuple[Any, str], tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    a = _Instance(local_stack, tmp_path, "a", tag, {"max_contracts": 5, "daily_loss_limit": "500"})
    b = _Instance(local_stack, tmp_path, "b", tag, {"max_contracts": 5, "daily_loss_limit": "2000"})
    a.routes.claim([a.account])
    b.routes.claim([b.account])
    with pytest.raises(AccountRoutedElsewhere, match=a.name):
        b.routes.claim([a.account])  # one account, one bridge: never traded twice
    a.start()
    b.start()

    bought = _routed(local_stack, a.account, quantity="2")
    sold = _routed(local_stack, b.account, side="sell", quantity="1")
    unrouted = _routed(local_stack, f"nobody-{tag}")
    a.serve()
    b.serve()

    # Each account's signal reached its own bridge and its own NT8, and nowhere else.
    assert [line.split(";")[1] for line in a.nt8.lines] == [a.nt8_account]
    assert [line.split(";")[1] for line in b.nt8.lines] == [b.nt8_account]
    assert (a.position(local_stack), b.position(local_stack)) == (
        [("ES 12-25", "2", "2")],
        [("ES 12-25", "-1", "-1")],
    )
    for signal_id in (bought, sold):
        assert local_stack.api("GET", f"/signals/{signal_id}", scope="read").json()["signal"]["status"] == "routed"
    sqs, default_url = ninja_queue
    waiting = sqs.receive_message(QueueUrl=default_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    assert [json.loads(m["Body"])["signal"]["signal_id"] for m in waiting] == [unrouted]

    # ES falls 6 points: A is $600 down in the open (over its $500), B $300 up.
    a.nt8.prices["ES 12-25"] = b.nt8.prices["ES 12-25"] = Decimal(4994)
    a.serve(3)
    b.serve(3)

    assert [line for line in a.nt8.lines if line.startswith("CLOSEPOSITION")] == [
        f"CLOSEPOSITION;{a.nt8_account};ES 12-25 Globex;;;;;;;;;;"
    ]
    assert not any(line.startswith("CLOSEPOSITION") for line in b.nt8.lines)
    # NT8 closes without an ATI order id, so the platform sees the close in A's position file.
    assert (a.position(local_stack), b.position(local_stack)) == (
        [("ES 12-25", "2", "0")],
        [("ES 12-25", "-1", "-1")],
    )
    # Each bridge beats under its own name, and keeps its own reconciliation state.
    cloudwatch = local_stack.clients("cloudwatch")
    for instance in (a, b):
        dimensions = [{"Name": "Stage", "Value": "dev"}, {"Name": "Bridge", "Value": instance.name}]
        assert cloudwatch.list_metrics(Namespace=NAMESPACE, MetricName=METRIC, Dimensions=dimensions)["Metrics"]
    books = {name: json.loads((tmp_path / name / "positions.json").read_text()) for name in ("a", "b")}
    assert {key.split("|")[0] for key in books["a"]} == {a.nt8_account}
    assert {key.split("|")[0] for key in books["b"]} == {b.nt8_account}


def test_the_bridge_command_claims_its_accounts_and_refuses_one_another_bridge_holds(
    local_stack: StackHandle, aws_env: None, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    sqs = local_stack.clients("sqs")
    default_queue = local_stack.output("NinjaTraderQueueUrl")

    def config(name: str) -> Path:
        queue = sqs.create_queue(QueueName=f"{default_queue.rsplit('/', 1)[1]}-{name}-{tag}")["QueueUrl"]
        path = tmp_path / f"{name}.json"
        path.write_text(
            json.dumps(
                {
                    "mode": "dry-run",
                    "incoming": str(tmp_path / name / "incoming"),
                    "outgoing": str(tmp_path / name / "outgoing"),
                    "dry_run_folder": str(tmp_path / name / "dry-run"),
                    "queue_url": queue,
                    "endpoint_url": local_stack.endpoint_url,
                    "wait_seconds": 0,
                    "routes_table": local_stack.output("NinjaBridgeRoutesTableName"),
                    "bridge_name": f"{name}-{tag}",
                    "accounts": {
                        f"shared-{tag}": {"nt8_account": "Sim101", "profile": "custom", "rules": {"max_contracts": 1}}
                    },
                    "instruments": {"ES": {"point_value": "50"}},
                }
            )
        )
        return path

    first, second = config("first"), config("second")

    assert main(["--config", str(first), "--batches", "1"]) == 0
    assert main(["--config", str(first), "--batches", "1"]) == 0  # a restart claims again
    assert main(["--config", str(second), "--batches", "1"]) == 2  # the account is the first's
    item = local_stack.clients("dynamodb").get_item(
        TableName=local_stack.output("NinjaBridgeRoutesTableName"), Key={"account": {"S": f"shared-{tag}"}}
    )["Item"]
    assert (item["bridge"]["S"], item["queue_url"]["S"].endswith(f"-first-{tag}")) == (f"first-{tag}", True)
