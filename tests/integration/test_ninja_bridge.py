"""End to end on the local stack: NinjaTraderQueue -> bridge -> OIF -> fake NT8 -> fill reported."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from fks_ninja.__main__ import main
from fks_ninja.bridge import Bridge, Outcome
from fks_ninja.reporter import HttpFillReporter
from fks_ninja.service import BridgeService
from tests.fakes.fake_nt8 import FakeNt8
from tests.stack_handle import StackHandle
from tests.unit.ninja_bridge.fake_api import running_api
from tests.unit.ninja_bridge.stubs import SESSION_TIME, ConfigStubs, SignalStubs


def _counts(sqs: Any, url: str) -> tuple[int, int]:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return int(attributes[names[0]]), int(attributes[names[1]])


def test_signal_on_the_queue_is_placed_filled_and_the_fill_reported(
    ninja_queue: tuple[Any, str], tmp_path: Path
) -> None:
    sqs, url = ninja_queue
    nt8 = FakeNt8(
        tmp_path / "incoming", tmp_path / "outgoing", accounts={"TS50K-001"}, prices={"ES 12-25": Decimal("5001.75")}
    )
    in_flight_before = _counts(sqs, url)[1]
    sqs.send_message(QueueUrl=url, MessageBody=SignalStubs.futures(signal_id="e2e-1").model_dump_json())

    with running_api() as api:
        config = ConfigStubs.bridge(tmp_path, queue_url=url)
        bridge = Bridge(config, HttpFillReporter(api.url, "k"), clock=lambda: SESSION_TIME)
        report = BridgeService(bridge, sqs, url, wait_seconds=1).poll_once()
        for _ in range(2):  # NT8 accepts, then fills
            nt8.step()
            bridge.handle_outgoing()

    assert [(r.signal_id, r.outcome) for r in report.handled] == [("e2e-1", Outcome.PLACED)]
    assert nt8.rejections == []
    assert [(b["signal_id"], b["quantity"], b["price"]) for b in api.bodies("/v1/fills")] == [("e2e-1", 1, "5001.75")]
    assert [b["state"] for b in api.bodies("/v1/orders")] == ["ACCEPTED", "FILLED"]
    assert _counts(sqs, url) == (0, in_flight_before)  # deleted, not merely hidden


def test_malformed_signal_stays_on_the_queue_for_redrive(ninja_queue: tuple[Any, str], tmp_path: Path) -> None:
    sqs, url = ninja_queue
    in_flight_before = _counts(sqs, url)[1]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"signal_id": "bad one"}))
    bridge = Bridge(ConfigStubs.bridge(tmp_path, queue_url=url), _NoReporter(), clock=lambda: SESSION_TIME)

    report = BridgeService(bridge, sqs, url, wait_seconds=1).poll_once()

    assert next(iter(report.failed.values())).startswith("InvalidSignal: invalid signal")
    assert _counts(sqs, url) == (0, in_flight_before + 1)  # invisible until the visibility timeout, then redriven


def test_module_entry_runs_one_poll_from_a_config_file(
    ninja_queue: tuple[Any, str],
    local_stack: StackHandle,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sqs, url = ninja_queue
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    dry = tmp_path / "dry"
    dry.mkdir()
    config = ConfigStubs.bridge(
        tmp_path,
        queue_url=url,
        mode="dry-run",
        dry_run_folder=dry,
        endpoint_url=local_stack.endpoint_url,
        wait_seconds=1,
    )
    path = tmp_path / "bridge.json"
    path.write_text(config.model_dump_json())
    custom = SignalStubs.futures(signal_id="cli-1", account="custom-1")  # custom profile: no trading hours
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"signal": json.loads(custom.model_dump_json())}))
    caplog.set_level("INFO", logger="fks_ninja")

    code = main(["--config", str(path), "--batches", "1"])

    assert code == 0
    (written,) = list(dry.glob("oif*.txt"))
    assert written.read_text().startswith("PLACE;Sim101;")
    assert "bridge started: mode=dry-run" in caplog.text


class _NoReporter:
    def report_fill(self, fill: object) -> None: ...
    def report_order_state(self, change: object) -> None: ...
    def report_position(self, position: object) -> None: ...
    def report_refusal(self, signal_id: str, reason: str, rule: str | None) -> None: ...
