"""The bridge applies the prop-firm rules on open equity: the fake NT8 writes each account's values
(realised, unrealised at its prices, net liquidation) as FKSStatusIndicator does, and an open loss
past a limit flattens that account alone, with nothing realised."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from fks_ninja.account_values import AccountValues, AccountValuesReader, parse_account_values
from fks_ninja.bridge import Bridge, Outcome
from fks_ninja.config import BridgeConfig
from fks_ninja.equity import AccountEquity
from tests.fakes.fake_nt8 import FakeNt8
from tests.unit.ninja_bridge.ninjascript import NinjaScriptHarness
from tests.unit.ninja_bridge.stubs import SESSION_TIME, ConfigStubs, RecordingReporter, SignalStubs

NOW_MS = int(SESSION_TIME.timestamp() * 1000)


def _config(tmp_path: Path, **overrides: object) -> BridgeConfig:
    return ConfigStubs.bridge(tmp_path, account_values=tmp_path / "accounts", state_dir=tmp_path, **overrides)


def _nt8(tmp_path: Path, clock_ms: int = NOW_MS) -> FakeNt8:
    return FakeNt8(
        tmp_path / "incoming",
        tmp_path / "outgoing",
        accounts={"TS50K-001", "Sim101"},
        prices={"ES 12-25": Decimal(5000)},
        account_values=tmp_path / "accounts",
        point_values={"ES": Decimal(50)},
        clock_ms=lambda: clock_ms,
    )


def _settle(bridge: Bridge, nt8: FakeNt8, steps: int = 4) -> None:
    for _ in range(steps):
        nt8.step()
        bridge.handle_outgoing()


def test_an_open_loss_past_the_daily_limit_flattens_that_account_only(tmp_path: Path) -> None:
    reporter = RecordingReporter()
    bridge = Bridge(_config(tmp_path), reporter, clock=lambda: SESSION_TIME)
    nt8 = _nt8(tmp_path)
    nt8.step()  # the indicator's first values, before any order
    bridge.handle_outgoing()
    assert bridge.handle_signal(SignalStubs.futures(signal_id="ts-buy")).outcome is Outcome.PLACED
    assert bridge.handle_signal(SignalStubs.futures(signal_id="c-buy", account="custom-1", quantity="2")).outcome is (
        Outcome.PLACED
    )
    _settle(bridge, nt8)

    nt8.prices["ES 12-25"] = Decimal(4994)  # Sim101: 2 x 6 points x $50 = $600 open, over its $500
    _settle(bridge, nt8)

    assert [line for line in nt8.lines if line.startswith("CLOSEPOSITION")] == [
        "CLOSEPOSITION;Sim101;ES 12-25 Globex;;;;;;;;;;"
    ]
    assert nt8.positions[("Sim101", "ES 12-25")] == 0
    assert nt8.positions[("TS50K-001", "ES 12-25")] == 1  # $300 open on Topstep's $1,000: keeps trading
    assert [(r[0].split(":")[1], r[2]) for r in reporter.refusals] == [("custom-1", "daily_loss_limit")]
    # The next opening signal for the flattened account is refused; Topstep's still trades.
    assert bridge.handle_signal(SignalStubs.futures(signal_id="c-again", account="custom-1")).outcome is (
        Outcome.REFUSED
    )
    assert bridge.handle_signal(SignalStubs.futures(signal_id="ts-sell", side="sell")).outcome is Outcome.PLACED


def test_stale_account_values_stop_opening_orders_but_not_closing_ones(tmp_path: Path) -> None:
    reporter = RecordingReporter()
    bridge = Bridge(_config(tmp_path), reporter, clock=lambda: SESSION_TIME)

    refused = bridge.handle_signal(SignalStubs.futures(signal_id="no-values"))
    nt8 = _nt8(tmp_path, clock_ms=NOW_MS - 600_000)  # the indicator stopped ten minutes ago
    _settle(bridge, nt8, steps=1)
    still = bridge.handle_signal(SignalStubs.futures(signal_id="old-values"))

    assert (refused.outcome, still.outcome) == (Outcome.REFUSED, Outcome.REFUSED)
    assert [r[2] for r in reporter.refusals] == ["account_values_stale", "account_values_stale"]
    assert "none received" in reporter.refusals[0][1]


def test_the_floors_highs_survive_a_bridge_restart(tmp_path: Path) -> None:
    bridge = Bridge(_config(tmp_path), RecordingReporter(), clock=lambda: SESSION_TIME)
    nt8 = _nt8(tmp_path)
    _settle(bridge, nt8, steps=1)
    bridge.handle_signal(SignalStubs.futures(signal_id="ts-buy", quantity="2"))
    _settle(bridge, nt8)
    nt8.prices["ES 12-25"] = Decimal(5010)  # $1,000 open profit
    _settle(bridge, nt8, steps=1)
    before = bridge.equity.state(
        "topstep-1", SESSION_TIME.date(), bridge.config.accounts["topstep-1"].effective_rules(), Decimal(0)
    )

    restarted = Bridge(_config(tmp_path), RecordingReporter(), clock=lambda: SESSION_TIME)
    rules = restarted.config.accounts["topstep-1"].effective_rules()

    after = restarted.equity.state("topstep-1", before.trading_day, rules, Decimal(0))
    assert after == before
    assert (after.open_high, after.open_equity) == (Decimal(51000), Decimal(51000))


def test_an_account_at_a_firm_that_forbids_automation_needs_manual_mode(tmp_path: Path) -> None:
    apex = {"apex-1": {"nt8_account": "APEX-1", "profile": "apex"}}

    with pytest.raises(ValidationError, match="forbids automated trading"):
        ConfigStubs.bridge(tmp_path, accounts=apex)
    assert ConfigStubs.bridge(tmp_path, accounts=apex, mode="manual").accounts["apex-1"].nt8_account == "APEX-1"


def test_the_values_the_indicator_writes_are_the_values_the_bridge_reads(tmp_path: Path) -> None:
    harness = NinjaScriptHarness.build(tmp_path / "ninjascript")
    written = harness.values("account-values", "-250.5", "-300.25", "49449.25", "2025-11-18T15:00:00Z")
    folder = tmp_path / "accounts"
    folder.mkdir()
    (folder / "APEX-1234-01_Account.txt").write_text(written["line"])

    (values,) = AccountValuesReader(folder).poll()

    assert values == parse_account_values("APEX-1234-01_Account.txt", written["line"])
    assert (values.account, values.realized, values.unrealized, values.net_liquidation, values.at_ms) == (
        "APEX-1234-01",
        Decimal("-250.5"),
        Decimal("-300.25"),
        Decimal("49449.25"),
        NOW_MS,
    )
    assert values.balance == Decimal("49749.50")


def test_an_account_first_seen_through_nt8_values_opens_its_day_before_todays_loss() -> None:
    day = SESSION_TIME.date()
    equity = AccountEquity()

    lost = equity.mark_values("a", day, AccountValues("A", Decimal(-300), Decimal(-100), Decimal(49600), NOW_MS))
    won = equity.mark_values("b", day, AccountValues("B", Decimal(300), Decimal(-100), Decimal(50200), NOW_MS))

    assert (lost.day_start, lost.loss_today) == (Decimal(50000), Decimal(400))  # 300 realised + 100 open
    # A realised profit may be the account's to date, not today's: it is not taken off the start.
    assert (won.day_start, won.loss_today) == (Decimal(50300), Decimal(100))
