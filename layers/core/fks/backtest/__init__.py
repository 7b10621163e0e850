"""Backtesting: fills at the next bar's open, fees, slippage, sizing, stops, metrics and grids.

>>> result = run_backtest(candles, get_strategy("sma_cross"), {"fast": 10, "slow": 30}, BacktestConfig())
>>> result.metrics.final_equity, len(result.trades)

Plots live in ``fks.backtest.plots`` (imports matplotlib on use).
"""

from fks.backtest.config import BacktestConfig, parse_config
from fks.backtest.engine import backtest_metrics, run_backtest
from fks.backtest.grid import grid_combinations, run_grid
from fks.backtest.metrics import Metrics, compute_metrics
from fks.backtest.result import BacktestResult, Trade, TradeLog

__all__ = [
    "BacktestConfig",
    "BacktestResult",
    "Metrics",
    "Trade",
    "TradeLog",
    "backtest_metrics",
    "compute_metrics",
    "grid_combinations",
    "parse_config",
    "run_backtest",
    "run_grid",
]
