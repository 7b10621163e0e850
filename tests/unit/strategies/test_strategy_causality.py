import numpy as np
import pytest

from fks.strategies import Candles, IndicatorCache, LookaheadDetected, Params, Strategy, check_causal
from fks.strategies.candles import FloatArray
from tests.unit.backtest.stubs import CandleStubs


class NextBarOracle(Strategy):
    """Cheats: wants to be long at t exactly when bar t + 1 will close up."""

    name = "next_bar_oracle"
    description = "reads the future"
    parameters = ()

    def warmup_bars(self, params: Params) -> int:
        return 0

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        future_move = np.append(candles.close[1:] - candles.open[1:], 0.0)
        return np.sign(future_move)


def test_a_strategy_reading_the_next_bar_is_caught_naming_the_bar():
    # Arrange
    candles = CandleStubs.random_walk(50, seed=2)

    # Act / Assert: with only 20 bars given, bar 19 can no longer see bar 20.
    with pytest.raises(
        LookaheadDetected, match="looks ahead: its target at bar 19 changes when only 20 bars"
    ) as caught:
        check_causal(NextBarOracle(), candles, cut_points=[20])

    assert caught.value.status_code == 400
