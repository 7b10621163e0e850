"""Contract tests: the bridge against the fake NT8, through real files in real folders."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from fks.errors import TemporaryError
from fks_ninja.bridge import Bridge, Outcome
from fks_ninja.errors import IncomingFolderMissing
from fks_ninja.outgoing import OrderState
from fks_ninja.sinks import ManualSink
from fks_ninja.tracker import Fill
from tests.fakes.fake_nt8 import Behaviour, FakeNt8
from tests.unit.ninja_bridge.stubs import SESSION_TIME, ConfigStubs, RecordingReporter, SignalStubs


@pytest.fixture
def reporter() -> RecordingReporter:
    return RecordingReporter()


@pytest.fixture
def bridge(tmp_path: Path, reporter: RecordingReporter) -> Bridge:
    return Bridge(ConfigStubs.bridge(tmp_path), reporter, clock=lambda: SESSION_TIME)


@pytest.fixture
def nt8(tmp_path: Path) -> FakeNt8:
    return FakeNt8(
        tmp_path / "incoming",
        tmp_path / "outgoing",
        accounts={"TS50K-001", "Sim101"},
        prices={"ES 12-25": Decimal("5000.25")},
    )


def _settle(bridge: Bridge, nt8: FakeNt8, steps: int = 4) -> None:
    for _ in range(steps):
        nt8.step()
        bridge.handle_outgoing()


def test_market_signal_is_filled_by_nt8_and_the_fill_reported(
    bridge: Bridge, nt8: FakeNt8, reporter: RecordingReporter
) -> None:
    result = bridge.handle_signal(SignalStubs.futures())
    _settle(bridge, nt8)

    assert result.outcome is Outcome.PLACED
    assert nt8.rejections == []
    assert nt8.lines == [f"PLACE;TS50K-001;ES 12-25;BUY;1;MARKET;;;DAY;;{result.order_id};;"]
    assert [(f.signal_id, f.quantity, f.price) for f in reporter.fills] == [("sig-es-1", 1, Decimal("5000.25"))]
    assert [s.state for s in reporter.states] == [OrderState.ACCEPTED, OrderState.FILLED]
    assert [(p.instrument, p.signed_quantity) for p in reporter.positions] == [("ES 12-25 Globex", 1)]


def test_partial_fill_is_reported_as_two_fills(bridge: Bridge, nt8: FakeNt8, reporter: RecordingReporter) -> None:
    nt8.behaviours.append(Behaviour.PARTIAL_FILL)

    bridge.handle_signal(SignalStubs.futures(quantity="4"))
    _settle(bridge, nt8)

    assert [f.quantity for f in reporter.fills] == [2, 2]
    assert reporter.states[-1].state is OrderState.FILLED


def test_order_rejected_by_nt8_is_reported_without_a_fill(
    bridge: Bridge, nt8: FakeNt8, reporter: RecordingReporter
) -> None:
    nt8.behaviours.append(Behaviour.REJECT)

    bridge.handle_signal(SignalStubs.futures())
    _settle(bridge, nt8)

    assert reporter.fills == []
    assert [s.state for s in reporter.states] == [OrderState.REJECTED]


def test_signal_over_max_contracts_is_refused_reported_and_never_written(
    bridge: Bridge, nt8: FakeNt8, reporter: RecordingReporter
) -> None:
    result = bridge.handle_signal(SignalStubs.futures(quantity="6"))
    nt8.step()

    assert result.outcome is Outcome.REFUSED
    assert reporter.refusals == [("sig-es-1", result.reason, "max_contracts")]
    assert nt8.lines == []


def test_daily_loss_breach_flattens_only_the_breaching_account(
    bridge: Bridge, nt8: FakeNt8, reporter: RecordingReporter
) -> None:
    bridge.handle_signal(SignalStubs.futures(signal_id="ts-buy"))
    bridge.handle_signal(SignalStubs.futures(signal_id="c-buy", account="custom-1", quantity="2", limit_price="5000"))
    _settle(bridge, nt8)

    bridge.handle_signal(
        SignalStubs.futures(signal_id="c-sell", account="custom-1", side="sell", limit_price="4989")
    )  # 1 x 11 points x $50 = $550 lost, over custom-1's $500 daily limit
    _settle(bridge, nt8)

    closes = [line for line in nt8.lines if line.startswith("CLOSEPOSITION")]
    assert closes == ["CLOSEPOSITION;Sim101;ES 12-25 Globex;;;;;;;;;;"]
    assert nt8.positions[("Sim101", "ES 12-25")] == 0
    assert nt8.positions[("TS50K-001", "ES 12-25")] == 1
    assert reporter.refusals[-1][2] == "daily_loss_limit"
    assert reporter.refusals[-1][0].startswith("account:custom-1:20")  # the trading day it happened
    assert not any(line.startswith(("FLATTENEVERYTHING", "CANCELALLORDERS")) for line in nt8.lines)


def test_same_signal_twice_places_one_order(bridge: Bridge, nt8: FakeNt8) -> None:
    first = bridge.handle_signal(SignalStubs.futures())

    second = bridge.handle_signal(SignalStubs.futures())
    nt8.step()

    assert second.outcome is Outcome.DUPLICATE
    assert second.order_id == first.order_id
    assert len(nt8.lines) == 1


def test_manual_mode_records_the_order_and_writes_no_file(tmp_path: Path, reporter: RecordingReporter) -> None:
    config = ConfigStubs.bridge(tmp_path, mode="manual")
    bridge = Bridge(config, reporter, clock=lambda: SESSION_TIME)

    result = bridge.handle_signal(SignalStubs.futures())

    assert result.outcome is Outcome.RECORDED
    assert isinstance(bridge.sink, ManualSink)
    assert bridge.sink.recorded[0].startswith("PLACE;TS50K-001;ES 12-25;BUY;1")
    assert not (tmp_path / "incoming").exists()


def test_dry_run_writes_oif_files_to_its_own_folder(tmp_path: Path, reporter: RecordingReporter) -> None:
    dry = tmp_path / "dry"
    dry.mkdir()
    bridge = Bridge(
        ConfigStubs.bridge(tmp_path, mode="dry-run", dry_run_folder=dry), reporter, clock=lambda: SESSION_TIME
    )

    result = bridge.handle_signal(SignalStubs.futures())

    assert result.oif_file is not None
    assert result.oif_file.parent == dry
    assert result.oif_file.read_text().startswith("PLACE;TS50K-001;ES 12-25;BUY;1;MARKET")


def test_missing_incoming_folder_raises_so_the_message_is_retried(bridge: Bridge) -> None:
    with pytest.raises(IncomingFolderMissing):
        bridge.handle_signal(SignalStubs.futures())


class _FlakyReporter(RecordingReporter):
    """Down for the first ``failures`` calls, like an API in a deploy."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def report_fill(self, fill: Fill) -> None:
        if self.failures:
            self.failures -= 1
            raise TemporaryError("api down")
        super().report_fill(fill)


def test_fill_report_that_fails_is_sent_on_a_later_pass(tmp_path: Path, nt8: FakeNt8) -> None:
    reporter = _FlakyReporter(failures=1)
    bridge = Bridge(ConfigStubs.bridge(tmp_path), reporter, clock=lambda: SESSION_TIME)
    bridge.handle_signal(SignalStubs.futures())
    _settle(bridge, nt8, steps=2)
    assert reporter.fills == []

    bridge.handle_outgoing()

    assert [f.signal_id for f in reporter.fills] == ["sig-es-1"]
    assert len(bridge.outbox) == 0


def test_restarted_bridge_reports_positions_changed_while_it_was_down(
    tmp_path: Path, nt8: FakeNt8, reporter: RecordingReporter
) -> None:
    config = ConfigStubs.bridge(tmp_path, state_dir=tmp_path)
    first = Bridge(config, reporter, clock=lambda: SESSION_TIME)
    first.handle_signal(SignalStubs.futures())
    _settle(first, nt8)
    (tmp_path / "outgoing" / "NQ 12-25 Globex_TS50K-001_Position.txt").write_text("SHORT;1;21000")
    restarted_reporter = RecordingReporter()

    Bridge(config, restarted_reporter, clock=lambda: SESSION_TIME).reconcile()

    assert [(p.instrument, p.signed_quantity) for p in restarted_reporter.positions] == [("NQ 12-25 Globex", -1)]


def test_working_orders_count_toward_max_contracts(bridge: Bridge, nt8: FakeNt8, reporter: RecordingReporter) -> None:
    nt8.behaviours.append(Behaviour.WORK)
    bridge.handle_signal(SignalStubs.futures(signal_id="first", quantity="3", limit_price="4990"))
    _settle(bridge, nt8)

    second = bridge.handle_signal(SignalStubs.futures(signal_id="second", quantity="3"))

    assert second.outcome is Outcome.REFUSED
    assert reporter.refusals[-1][2] == "max_contracts"
