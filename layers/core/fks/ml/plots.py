"""PNG of regimes coloured over price (matplotlib Agg, imported on use as in fks.backtest.plots)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from fks.backtest.plots import save_png
from fks.ml.regimes import REGIMES
from fks.strategies.candles import Candles

COLOURS = {
    "trending_up": "#2ca02c",
    "trending_down": "#d62728",
    "ranging": "#7f7f7f",
    "high_volatility": "#ff7f0e",
}


def plot_regimes(candles: Candles, regimes: Sequence[str], path: str | Path, title: str = "") -> Path:
    """Close price as points coloured by the bar's regime, with the regime band along the bottom."""
    from matplotlib.figure import Figure

    times = np.asarray(candles.open_time).astype("datetime64[ms]")
    labels = np.asarray(regimes)
    figure = Figure(figsize=(13, 6), layout="constrained")
    price, band = figure.subplots(2, 1, sharex=True, height_ratios=(5, 1))
    price.plot(times, candles.close, color="#1f77b4", linewidth=0.4, alpha=0.5)
    for name in REGIMES:
        mask = labels == name
        price.scatter(times[mask], np.asarray(candles.close)[mask], s=2, color=COLOURS[name], label=name)
        band.fill_between(times, 0, 1, where=mask, color=COLOURS[name], step="post", linewidth=0)
    price.set_title(title or "regimes over price")
    price.set_ylabel("close")
    price.legend(loc="upper left", markerscale=5)
    band.set_yticks([])
    band.set_ylabel("regime")
    return save_png(figure, path)
