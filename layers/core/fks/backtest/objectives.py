"""What an optimisation maximises: a metric, the Calmar ratio or a plugin's loss, under constraints.

Built-in objectives are the metrics ``final_equity``, ``total_return``, ``sharpe``, ``sortino``,
``profit_factor``, ``win_rate`` and ``calmar`` (CAGR over the maximum drawdown). A strategy plugin
(``fks.strategies.plugins``) may add a loss, lower is better, as hyperopt's loss functions are::

    from fks.backtest.objectives import loss

    @loss("return_per_drawdown")
    def return_per_drawdown(metrics):
        return -metrics.total_return / max(metrics.max_drawdown, 0.01)

A ``Goal`` adds constraints: a trial whose drawdown exceeds ``max_drawdown`` or that made fewer than
``min_trades`` trades ranks last, whatever it earned (``profit with a max-drawdown constraint`` is
``Goal("total_return", max_drawdown=0.2)``). An undefined value (a ratio with no trades) ranks last.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from fks.backtest.metrics import Metrics
from fks.errors import BadRequest

METRIC_OBJECTIVES = ("final_equity", "total_return", "sharpe", "sortino", "profit_factor", "win_rate")
CALMAR = "calmar"
BUILT_IN_OBJECTIVES = (*METRIC_OBJECTIVES, CALMAR)

Loss = Callable[[Metrics], float | None]
_LOSSES: dict[str, Loss] = {}


@dataclass(frozen=True, slots=True)
class Goal:
    """An objective with the constraints a trial must meet to rank at all."""

    name: str
    max_drawdown: float | None = None  # 0.2 = a trial deeper than 20 % below its peak ranks last
    min_trades: int | None = None

    def __str__(self) -> str:
        return self.name


def loss(name: str) -> Callable[[Loss], Loss]:
    """Register ``function(metrics) -> float`` (lower is better) as the objective ``name``."""
    from fks.strategies.plugins import NAME_PATTERN

    if not NAME_PATTERN.match(name) or name in BUILT_IN_OBJECTIVES:
        raise ValueError(f"loss name {name!r} must match {NAME_PATTERN.pattern} and not be a built-in objective")

    def register(function: Loss) -> Loss:
        _LOSSES[name] = function  # a plugin folder loaded again replaces its own loss
        return function

    return register


def objective_names() -> list[str]:
    """Built-in objectives, then the losses the discovered plugins registered."""
    _discover_plugins()
    return [*BUILT_IN_OBJECTIVES, *sorted(_LOSSES)]


def check_objective(name: str) -> str:
    """``name`` if it is an objective, else BadRequest listing the known ones."""
    if name in BUILT_IN_OBJECTIVES:
        return name
    known = objective_names()
    if name not in known:
        raise BadRequest(
            f"unknown objective {name!r}; known objectives: {', '.join(known)}", details={"parameter": "objective"}
        )
    return name


def score(metrics: Metrics, objective: str | Goal) -> float:
    """The objective as a float to maximise; a broken constraint or an undefined value is -inf."""
    goal = objective if isinstance(objective, Goal) else Goal(objective)
    if goal.max_drawdown is not None and metrics.max_drawdown > goal.max_drawdown:
        return -math.inf
    if goal.min_trades is not None and metrics.trade_count < goal.min_trades:
        return -math.inf
    value: float | None
    if goal.name in METRIC_OBJECTIVES:
        raw = getattr(metrics, goal.name)
        value = None if raw is None else float(raw)
    elif goal.name == CALMAR:
        value = None if metrics.cagr is None or metrics.max_drawdown <= 0 else metrics.cagr / metrics.max_drawdown
    else:
        check_objective(goal.name)
        lost = _LOSSES[goal.name](metrics)
        value = None if lost is None else -float(lost)
    return value if value is not None and math.isfinite(value) else -math.inf


def _discover_plugins() -> None:
    # Losses live in plugin modules: importing them (the registry's discovery) registers them.
    from fks.strategies.registry import strategy_names

    strategy_names()
