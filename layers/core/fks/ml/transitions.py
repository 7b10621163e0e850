"""Transition statistics of a regime sequence: counts, row-normalised matrix, mean run lengths."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from fks.ml.regimes import REGIMES


class RegimeStats(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    regimes: tuple[str, ...]
    share: dict[str, float]  # fraction of labelled bars in each regime
    transition_matrix: list[list[float]]  # P(next = j | current = i), rows in ``regimes`` order
    mean_duration_bars: dict[str, float | None]  # mean length of uninterrupted runs
    runs: dict[str, int]


def regime_stats(sequence: Sequence[str]) -> RegimeStats:
    """Empirical statistics of the named sequence; 'unknown' (warm-up) bars are skipped."""
    codes = np.array([REGIMES.index(name) for name in sequence if name in REGIMES], dtype=np.int64)
    k = len(REGIMES)
    counts = np.zeros((k, k))
    if codes.size > 1:
        np.add.at(counts, (codes[:-1], codes[1:]), 1.0)
    totals = counts.sum(axis=1, keepdims=True)
    matrix = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    starts = np.r_[True, codes[1:] != codes[:-1]] if codes.size else np.zeros(0, dtype=bool)
    run_codes = codes[starts]
    durations: dict[str, float | None] = {}
    runs: dict[str, int] = {}
    share: dict[str, float] = {}
    for index, name in enumerate(REGIMES):
        n_runs = int(np.sum(run_codes == index))
        bars = int(np.sum(codes == index))
        runs[name] = n_runs
        durations[name] = bars / n_runs if n_runs else None
        share[name] = bars / codes.size if codes.size else 0.0
    return RegimeStats(
        regimes=REGIMES,
        share=share,
        transition_matrix=matrix.round(6).tolist(),
        mean_duration_bars=durations,
        runs=runs,
    )
