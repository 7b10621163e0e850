from __future__ import annotations

from decimal import Decimal

import pytest

from fks.errors import RiskDenied
from fks.pipeline.risk import Holding, PortfolioLimits, RiskContext, decide, decide_futures, evaluate
from fks.signals import parse_signal
from tests.stubs import SignalStubs

LIMITS = PortfolioLimits()
D = Decimal


def _context(side: str = "buy", quantity: str = "0.1", **overrides: object) -> RiskContext:
    signal = parse_signal(SignalStubs.market_buy(side=side, quantity=quantity))
    values: dict[str, object] = {
        "signal": signal,
        "price": D("50000"),
        "equity": D("100000"),
        "holdings": (),
    }
    values.update(overrides)
    return RiskContext(**values)  # type: ignore[arg-type]


def _failed(context: RiskContext, limits: PortfolioLimits = LIMITS) -> list[str]:
    return [check.rule for check in evaluate(context, limits) if not check.passed]


def test_small_order_in_an_empty_account_passes_every_rule() -> None:
    checks = decide(_context(), LIMITS)

    assert {c.rule for c in checks} >= {"trading_state", "max_gross_exposure", "max_symbol_weight"}
    assert all(c.passed for c in checks)


def test_order_over_the_symbol_weight_is_denied_naming_the_rule() -> None:
    with pytest.raises(RiskDenied) as denied:
        decide(_context(quantity="1.2"), LIMITS)  # 60k of 100k equity, limit 0.5

    assert denied.value.details["rule"] == "max_symbol_weight"
    assert "0.6000" in denied.value.message


def test_gross_exposure_counts_other_positions() -> None:
    holdings = (Holding("ETH/USDT", D("20"), D("3000")), Holding("SOL/USDT", D("300"), D("150")))

    assert _failed(_context(quantity="0.5", holdings=holdings)) == ["max_gross_exposure"]  # 60k+45k+25k


def test_correlated_positions_in_the_same_direction_are_capped() -> None:
    holdings = (Holding("ETH/USDT", D("10"), D("3000")),)
    context = _context(quantity="0.7", holdings=holdings, correlations={"ETH/USDT": 0.93})  # 35k + 30k

    assert _failed(context) == ["max_correlated_exposure"]


def test_uncorrelated_position_does_not_count_towards_correlated_exposure() -> None:
    holdings = (Holding("ETH/USDT", D("10"), D("3000")),)

    assert _failed(_context(quantity="0.7", holdings=holdings, correlations={"ETH/USDT": 0.1})) == []


def test_strategy_allocation_caps_what_one_strategy_holds() -> None:
    context = _context(quantity="0.3", strategy_weight=D("0.2"), strategy_exposure=D("6000"))  # 6k + 15k > 20k

    assert _failed(context) == ["strategy_allocation"]


def test_reducing_order_passes_even_when_limits_are_breached() -> None:
    holdings = (Holding("BTC/USDT", D("3"), D("50000")),)  # already 1.5x equity

    checks = decide(_context(side="sell", quantity="1", holdings=holdings), LIMITS)

    assert [c.rule for c in checks] == ["trading_state", "reduces_position"]


def test_flipping_a_position_is_not_reducing() -> None:
    holdings = (Holding("BTC/USDT", D("0.1"), D("50000")),)

    assert "reduces_position" not in [c.rule for c in evaluate(_context("sell", "0.5", holdings=holdings), LIMITS)]


def test_halted_account_denies_even_reducing_orders() -> None:
    holdings = (Holding("BTC/USDT", D("1"), D("50000")),)

    with pytest.raises(RiskDenied, match="halted"):
        decide(_context(side="sell", holdings=holdings, trading_state="halted"), LIMITS)


def test_reducing_account_allows_only_reducing_orders() -> None:
    holdings = (Holding("BTC/USDT", D("1"), D("50000")),)

    assert _failed(_context(side="buy", holdings=holdings, trading_state="reducing"))[:1] == ["trading_state"]
    assert _failed(_context(side="sell", holdings=holdings, trading_state="reducing")) == []


def test_open_positions_limit_counts_new_symbols_only() -> None:
    holdings = (Holding("ETH/USDT", D("1"), D("3000")),)
    limits = PortfolioLimits(max_open_positions=1)

    assert _failed(_context(quantity="0.01", holdings=holdings), limits) == ["max_open_positions"]


def test_futures_are_denied_only_when_the_account_is_halted() -> None:
    assert decide_futures("active", "APEX-1")[0].passed
    with pytest.raises(RiskDenied, match="APEX-1 is halted"):
        decide_futures("halted", "APEX-1")


def test_no_equity_is_a_denial() -> None:
    assert _failed(_context(equity=D("0"))) == ["equity"]


def test_futures_prop_firm_rules_cap_contracts_and_hours_but_let_reductions_through() -> None:
    from datetime import UTC, datetime, time

    from fks.prop_firm import PropFirmRules, TradingHours

    rules = PropFirmRules(name="firm", max_contracts=3, trading_hours=TradingHours(start=time(8), end=time(15)))
    monday_noon = datetime(2026, 11, 23, 18, tzinfo=UTC)  # 12:00 in Chicago
    monday_night = datetime(2026, 11, 24, 2, tzinfo=UTC)  # 20:00 in Chicago

    assert decide_futures("active", "A", rules=rules, position=1, delta=2, now=monday_noon)[-1].rule == "prop_firm"
    with pytest.raises(RiskDenied) as over:
        decide_futures("active", "A", rules=rules, position=2, delta=2, now=monday_noon)
    assert over.value.details["rule"] == "max_contracts"
    with pytest.raises(RiskDenied) as closed:
        decide_futures("active", "A", rules=rules, position=0, delta=1, now=monday_night)
    assert closed.value.details["rule"] == "trading_hours"
    assert decide_futures("active", "A", rules=rules, position=3, delta=-1, now=monday_night)[-1].passed
