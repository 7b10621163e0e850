"""Example optimisation loss: ``POST /optimizations`` with ``"objective": "drawdown_adjusted_return"``.

A loss is lower-is-better (as hyperopt's); this one is the negative return per unit of drawdown,
with drawdowns under 1 % counted as 1 % so a run that barely traded cannot win on a tiny divisor.
"""

from __future__ import annotations

from fks.backtest.metrics import Metrics
from fks.backtest.objectives import loss


@loss("drawdown_adjusted_return")
def drawdown_adjusted_return(metrics: Metrics) -> float:
    return -metrics.total_return / max(metrics.max_drawdown, 0.01)
