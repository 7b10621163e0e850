"""Market-state embeddings: one fixed-length vector per bar from what the market did up to it.

The vector at bar t uses bars <= t only (the regime features of ``fks.ml.features`` are causal),
so the state of a past signal's bar never sees what followed it. Every part is scale-free, so
states of BTC and of a small altcoin, of a calm week and a wild one, are comparable:

- the last ``RECENT_RETURNS`` one-bar log returns divided by the 24-bar volatility (clipped);
- volatility against its 72-bar level, the volatility-normalised 24-bar slope, the distance from
  the 72-bar mean in volatilities, RSI centred on 0, and the 24-bar high-low range in volatilities;
- the bar's log volume as a z-score against the previous 72 bars.

Each part is squashed into about [-1, 1] so that no single feature dominates a distance.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fks.ml.features import LONG_WINDOW, build_features
from fks.strategies.candles import Candles

RECENT_RETURNS = 16
MARKET_STATE_NAMES: tuple[str, ...] = (
    *(f"ret_lag_{lag}" for lag in range(RECENT_RETURNS)),
    "vol_ratio",
    "trend",
    "dist_mean",
    "rsi",
    "range",
    "volume_z",
)
MARKET_STATE_DIM = len(MARKET_STATE_NAMES)
# Bars before the first complete state: the regime features' warm-up plus the volume window.
STATE_WARMUP = LONG_WINDOW + 1
_CLIP = 4.0

Matrix = npt.NDArray[np.float32]


def _lagged(values: npt.NDArray[np.float64], lags: int) -> npt.NDArray[np.float64]:
    """Column j is ``values`` shifted by j bars (NaN where it runs off the start)."""
    out = np.full((values.shape[0], lags), np.nan)
    for lag in range(min(lags, values.shape[0])):  # a history shorter than the lags leaves NaN
        out[lag:, lag] = values[: values.shape[0] - lag]
    return out


def _volume_z(volume: npt.NDArray[np.float64], window: int) -> npt.NDArray[np.float64]:
    # log, not log1p: a z-score of log volume is the same in any unit (a zero-volume bar is very low).
    logv = np.log(np.maximum(volume, 1e-12))
    out = np.full(logv.shape, np.nan)
    if logv.shape[0] <= window:
        return out
    past = np.lib.stride_tricks.sliding_window_view(logv[:-1], window)  # the window before each bar
    mean, std = past.mean(axis=1), past.std(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[window:] = np.where(std > 1e-9, (logv[window:] - mean) / std, 0.0)  # flat volume: no surprise
    return out


def market_states(candles: Candles) -> tuple[Matrix, npt.NDArray[np.bool_]]:
    """(n_bars, MARKET_STATE_DIM) states and which rows are complete (False during warm-up)."""
    features = build_features(candles)
    vol = features.column("vol_24")
    with np.errstate(divide="ignore", invalid="ignore"):
        recent = _lagged(features.column("ret_1"), RECENT_RETURNS) / vol[:, None]
        dist_in_vols = features.column("dist_sma_72") / (vol * np.sqrt(LONG_WINDOW))
        range_in_vols = features.column("range_24") / vol
    parts = np.column_stack(
        [
            np.clip(recent, -_CLIP, _CLIP) / _CLIP,
            np.tanh(features.column("vol_ratio") - 1.0),
            np.tanh(features.column("slope_24") / 10.0),
            np.tanh(dist_in_vols),
            (features.column("rsi_14") - 0.5) * 2.0,
            np.tanh(range_in_vols / 4.0),
            np.tanh(_volume_z(np.asarray(candles.volume, dtype=np.float64), LONG_WINDOW) / 2.0),
        ]
    )
    valid = np.all(np.isfinite(parts), axis=1)
    parts[~valid] = 0.0
    return np.asarray(parts, dtype=np.float32), np.asarray(valid, dtype=np.bool_)


def state_at_last_bar(candles: Candles) -> npt.NDArray[np.float32] | None:
    """The state of the newest bar, or None when the history is shorter than ``STATE_WARMUP``."""
    if len(candles) < STATE_WARMUP + 1:
        return None
    # The whole history given, not a tail: RSI's smoothing carries on from its first bar, so the
    # newest state equals the one ``market_states`` gives that bar when the index is built.
    states, valid = market_states(candles)
    return states[-1] if valid[-1] else None


def forward_returns(close: npt.ArrayLike, horizon: int) -> npt.NDArray[np.float64]:
    """Row t: log(close[t + horizon] / close[t]); NaN where the future is not known yet."""
    prices = np.asarray(close, dtype=np.float64)
    out = np.full(prices.shape, np.nan)
    if horizon > 0 and prices.shape[0] > horizon:
        out[:-horizon] = np.log(prices[horizon:] / prices[:-horizon])
    return out
