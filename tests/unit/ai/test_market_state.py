"""Market-state embeddings: fixed length, causal, scale-free, and telling regimes apart."""

from __future__ import annotations

import numpy as np

from fks.ai.market_state import (
    MARKET_STATE_DIM,
    STATE_WARMUP,
    forward_returns,
    market_states,
    state_at_last_bar,
)
from fks.strategies.candles import Candles
from tests.unit.ml.synthetic import regime_candles


def _scaled(candles: Candles, factor: float) -> Candles:
    return Candles(
        candles.open_time,
        candles.open * factor,
        candles.high * factor,
        candles.low * factor,
        candles.close * factor,
        candles.volume * 1000,
    )


def test_every_bar_after_warm_up_has_a_complete_fixed_length_state() -> None:
    candles, _ = regime_candles([("ranging", 300)])
    states, valid = market_states(candles)
    assert states.shape == (300, MARKET_STATE_DIM)
    assert not valid[: STATE_WARMUP - 1].any()
    assert valid[STATE_WARMUP:].all()
    assert np.all(np.abs(states) <= 1.0 + 1e-6)


def test_a_state_sees_nothing_after_its_bar() -> None:
    candles, _ = regime_candles([("ranging", 200), ("high_volatility", 100)])
    full, _ = market_states(candles)
    cut, _ = market_states(candles.head(220))
    np.testing.assert_allclose(full[:220], cut, atol=1e-6)


def test_the_state_ignores_the_price_level_and_volume_units() -> None:
    candles, _ = regime_candles([("trending_up", 250)])
    np.testing.assert_allclose(market_states(candles)[0], market_states(_scaled(candles, 37.0))[0], atol=1e-5)


def test_states_of_one_regime_are_closer_to_each_other_than_to_another_regime() -> None:
    candles, truth = regime_candles([("trending_up", 300), ("trending_down", 300)])
    states, valid = market_states(candles)
    up = states[200:300].mean(axis=0)
    down = states[500:600].mean(axis=0)
    probe = states[250]
    assert valid[250]
    assert truth[250] == "trending_up"
    assert np.linalg.norm(probe - up) < np.linalg.norm(probe - down)


def test_the_newest_state_is_the_one_the_whole_history_gives_and_none_without_enough_bars() -> None:
    candles, _ = regime_candles([("ranging", 260)])
    states, _ = market_states(candles)
    last = state_at_last_bar(candles)
    assert last is not None
    np.testing.assert_allclose(last, states[-1])
    assert state_at_last_bar(candles.head(STATE_WARMUP)) is None


def test_a_history_shorter_than_the_lags_has_no_complete_state() -> None:
    candles, _ = regime_candles([("ranging", 10)])
    states, valid = market_states(candles)
    assert states.shape == (10, MARKET_STATE_DIM)
    assert not valid.any()


def test_forward_returns_are_unknown_at_the_end() -> None:
    returns = forward_returns([100.0, 110.0, 121.0, 121.0], 2)
    np.testing.assert_allclose(returns[:2], [np.log(1.21), np.log(1.1)])
    assert np.isnan(returns[2:]).all()
