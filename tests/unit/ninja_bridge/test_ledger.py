from __future__ import annotations

from datetime import date
from decimal import Decimal

from fks.prop_firm import PropFirmRules
from fks_ninja.equity import AccountEquity
from fks_ninja.ledger import AccountLedger

ES_POINT = Decimal(50)


def test_closing_a_long_at_a_loss_realises_it() -> None:
    ledger = AccountLedger(trading_day=date(2025, 11, 18))
    ledger.apply_fill("ES 12-25", 2, Decimal("5000"), ES_POINT)

    realised = ledger.apply_fill("ES 12-25", -2, Decimal("4990"), ES_POINT)

    assert realised == Decimal(-1000)
    assert ledger.balance == Decimal(-1000)
    assert ledger.open_instruments() == []


def test_the_balance_adds_up_what_each_fill_realises() -> None:
    ledger = AccountLedger(trading_day=date(2025, 11, 18))
    ledger.apply_fill("ES 12-25", -1, Decimal("5000"), ES_POINT)
    ledger.apply_fill("ES 12-25", 1, Decimal("4980"), ES_POINT)  # +1000
    ledger.apply_fill("ES 12-25", 1, Decimal("4980"), ES_POINT)

    ledger.apply_fill("ES 12-25", -1, Decimal("4970"), ES_POINT)  # -500

    assert ledger.balance == Decimal(500)


def test_without_nt8_values_fills_measure_the_account_from_its_starting_balance() -> None:
    rules = PropFirmRules(
        name="own",
        max_contracts=2,
        daily_loss_limit=Decimal(400),
        trailing_max_drawdown=Decimal(1000),
        starting_balance=Decimal(25000),
    )
    ledger = AccountLedger(trading_day=date(2025, 11, 18))
    equity = AccountEquity()
    ledger.apply_fill("ES 12-25", 1, Decimal("5000"), ES_POINT)
    ledger.apply_fill("ES 12-25", -1, Decimal("4990"), ES_POINT)  # the first fill the account is seen by
    equity.mark_fill("own", ledger.trading_day, rules, Decimal(0), ledger.balance)

    today = equity.state("own", date(2025, 11, 18), rules, ledger.balance)
    tomorrow = equity.state("own", date(2025, 11, 19), rules, ledger.balance)

    assert (today.open_equity, rules.measure(today)) == (Decimal(24500), (Decimal(500), Decimal(500)))
    assert rules.measure(tomorrow) == (Decimal(0), Decimal(500))  # a new day: the daily loss only resets


def test_adding_to_a_position_averages_the_entry_price() -> None:
    ledger = AccountLedger(trading_day=date(2025, 11, 18))
    ledger.apply_fill("NQ 12-25", 1, Decimal("100"), Decimal(20))
    ledger.apply_fill("NQ 12-25", 1, Decimal("110"), Decimal(20))

    realised = ledger.apply_fill("NQ 12-25", -2, Decimal("105"), Decimal(20))

    assert realised == 0
