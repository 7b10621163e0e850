"""Heat map PNG of a two-parameter search: one cell per combination, coloured by the objective."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from fks.backtest.optimize import Trial, score
from fks.backtest.plots import save_png
from fks.backtest.requests import Objective
from fks.errors import BadRequest
from fks.strategies.parameters import ParamValue


def heatmap_matrix(
    trials: Sequence[Trial], objective: Objective
) -> tuple[str, str, list[ParamValue], list[ParamValue], np.ndarray]:
    """(x name, y name, x values, y values, scores[y, x]); NaN where no trial ran (fast >= slow)."""
    names = [name for name in trials[0][0] if len({params[name] for params, _ in trials}) > 1] if trials else []
    if len(names) != 2:
        raise BadRequest(f"a heat map needs exactly two varying parameters, got {names or 'none'}")
    x_name, y_name = names
    xs = sorted({params[x_name] for params, _ in trials}, key=_order)
    ys = sorted({params[y_name] for params, _ in trials}, key=_order)
    grid = np.full((len(ys), len(xs)), np.nan)
    for params, metrics in trials:
        grid[ys.index(params[y_name]), xs.index(params[x_name])] = score(metrics, objective)
    return x_name, y_name, xs, ys, grid


def _order(value: ParamValue) -> tuple[bool, float, str]:
    # Numbers in numeric order, choices (text) after them in text order.
    return (True, 0.0, value) if isinstance(value, str) else (False, float(value), "")


def plot_heatmap(trials: Sequence[Trial], objective: Objective, path: str | Path) -> Path:
    from matplotlib.figure import Figure

    x_name, y_name, xs, ys, grid = heatmap_matrix(trials, objective)
    figure = Figure(figsize=(max(6, 0.7 * len(xs) + 3), max(4, 0.5 * len(ys) + 2)), layout="constrained")
    axes = figure.subplots()
    shown = np.where(np.isfinite(grid), grid, np.nan)
    image = axes.imshow(shown, origin="lower", aspect="auto", cmap="RdYlGn")
    axes.set_xticks(range(len(xs)), [str(x) for x in xs])
    axes.set_yticks(range(len(ys)), [str(y) for y in ys])
    axes.set_xlabel(x_name)
    axes.set_ylabel(y_name)
    figure.colorbar(image, ax=axes, label=str(objective))
    if np.isfinite(grid).any():
        row, col = np.unravel_index(int(np.nanargmax(np.where(np.isfinite(grid), grid, np.nan))), grid.shape)
        axes.scatter([col], [row], marker="*", s=200, color="black", label="best")
        axes.legend(loc="upper right")
    axes.set_title(f"{objective} by {x_name} x {y_name}")
    return save_png(figure, path)
