from __future__ import annotations

from datetime import date
from decimal import Decimal

from fks_ninja.ledger import AccountLedger

ES_POINT = Decimal(50)


def test_closing_a_long_at_a_loss_counts_toward_the_daily_loss_and_drawdown() -> None:
    ledger = AccountLedger(trading_day=date(2025, 11, 18))
    ledger.apply_fill("ES 12-25", 2, Decimal("5000"), ES_POINT)

    realised = ledger.apply_fill("ES 12-25", -2, Decimal("4990"), ES_POINT)

    assert realised == Decimal(-1000)
    assert ledger.loss_today == Decimal(1000)
    assert ledger.drawdown == Decimal(1000)
    assert ledger.open_instruments() == []


def test_drawdown_trails_the_peak_balance() -> None:
    ledger = AccountLedger(trading_day=date(2025, 11, 18))
    ledger.apply_fill("ES 12-25", -1, Decimal("5000"), ES_POINT)
    ledger.apply_fill("ES 12-25", 1, Decimal("4980"), ES_POINT)  # +1000
    ledger.apply_fill("ES 12-25", 1, Decimal("4980"), ES_POINT)

    ledger.apply_fill("ES 12-25", -1, Decimal("4970"), ES_POINT)  # -500

    assert ledger.balance == Decimal(500)
    assert ledger.drawdown == Decimal(500)


def test_new_trading_day_resets_the_daily_loss_only() -> None:
    ledger = AccountLedger(trading_day=date(2025, 11, 18))
    ledger.apply_fill("ES 12-25", 1, Decimal("5000"), ES_POINT)
    ledger.apply_fill("ES 12-25", -1, Decimal("4990"), ES_POINT)

    ledger.roll_day(date(2025, 11, 19))

    assert ledger.loss_today == 0
    assert ledger.drawdown == Decimal(500)


def test_adding_to_a_position_averages_the_entry_price() -> None:
    ledger = AccountLedger(trading_day=date(2025, 11, 18))
    ledger.apply_fill("NQ 12-25", 1, Decimal("100"), Decimal(20))
    ledger.apply_fill("NQ 12-25", 1, Decimal("110"), Decimal(20))

    realised = ledger.apply_fill("NQ 12-25", -2, Decimal("105"), Decimal(20))

    assert realised == 0
