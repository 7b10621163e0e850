"""A strategy's record per regime: trades and signals labelled by the regime of their entry bar,
figures exact where they are money, and a sentence built only from those figures."""

from __future__ import annotations

from typing import Any

from fks.ai.regime_performance import (
    NO_SIGNALS,
    NO_TRADES,
    RegimeLabels,
    backtest_by_regime,
    in_regime,
    live_by_regime,
    sentence,
)

HOUR = 3_600_000
T0 = 1_717_200_000_000
# Bars 0-2 trending up, 3-4 ranging.
LABELS = RegimeLabels([T0 + i * HOUR for i in range(5)], ["trending_up"] * 3 + ["ranging"] * 2, HOUR)


def trade(entry_bar: int, pnl: str, price: str = "100", quantity: str = "2") -> dict[str, Any]:
    # As a stored backtest document holds a Trade: decimals as strings, times in epoch ms.
    return {"entry_time": T0 + entry_bar * HOUR + 60_000, "entry_price": price, "quantity": quantity, "pnl": pnl}


def test_a_time_takes_the_label_of_the_bar_containing_it_and_outside_the_span_is_unknown() -> None:
    assert LABELS.at(T0) == "trending_up"
    assert LABELS.at(T0 + 3 * HOUR + HOUR - 1) == "ranging"
    assert LABELS.at(T0 - 1) == "unknown"
    assert LABELS.at(T0 + 5 * HOUR) == "unknown"


def test_backtest_trades_are_grouped_by_the_regime_of_their_entry_with_exact_net_profit() -> None:
    trades = [trade(0, "10.10"), trade(1, "-4.05"), trade(2, "0.20"), trade(4, "-1"), trade(9, "3")]

    by_regime = backtest_by_regime(trades, LABELS)

    up = by_regime["trending_up"]
    assert (up["trades"], up["net_pnl"]) == (3, "6.25")
    assert up["win_rate"] == round(2 / 3, 4)
    assert up["mean_return"] == round((10.10 - 4.05 + 0.20) / 200 / 3, 6)
    assert by_regime["ranging"] == {"trades": 1, "win_rate": 0.0, "mean_return": -0.005, "net_pnl": "-1"}
    assert by_regime["unknown"]["trades"] == 1  # entered before the labelled span: said so, not guessed


def test_live_signals_count_executions_and_sign_the_forward_return_by_side() -> None:
    signals = [
        {"bar_time": T0, "side": "buy", "status": "completed"},
        {"bar_time": T0 + HOUR, "side": "sell", "status": "denied"},
        {"bar_time": T0 + 2 * HOUR, "side": "buy", "status": "filled"},
    ]
    forward = {T0: 0.02, T0 + HOUR: 0.01, T0 + 2 * HOUR: None}  # the newest's outcome is not known yet

    by_regime = live_by_regime(signals, LABELS, forward.get)

    assert by_regime == {
        "trending_up": {
            "signals": 3,
            "executed": 2,
            "with_outcome": 2,
            "mean_forward_return": round((0.02 - 0.01) / 2, 6),
            "share_favourable": 0.5,
        }
    }


def test_a_regime_with_nothing_in_it_reports_zero_not_an_estimate() -> None:
    figures = in_regime("high_volatility", backtest_by_regime([trade(0, "1")], LABELS), NO_TRADES)
    assert figures["in_regime"] == NO_TRADES
    assert set(figures["by_regime"]) == {"trending_up"}


def test_the_sentence_uses_only_the_figures() -> None:
    tested = in_regime("ranging", backtest_by_regime([trade(3, "2"), trade(4, "-1")], LABELS), NO_TRADES)
    live = in_regime("ranging", {}, NO_SIGNALS)
    performance = {
        "available": True,
        "regime": "ranging",
        "horizon_bars": 12,
        "backtests": {"strategy": "sma_cross", "backtest_ids": ["b1"], **tested},
        "live": live,
    }

    text = sentence(performance)

    assert "In ranging, its 1 stored backtest(s) made 2 trade(s), 50% won" in text
    assert "(net 1)" in text
    assert "Live: no earlier signal of this strategy in ranging." in text
    assert sentence({"available": False, "reason": "no regime model"}) == "No regime performance: no regime model."
