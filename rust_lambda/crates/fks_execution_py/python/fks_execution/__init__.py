"""FKS execution core for Python: the Rust engine, its risk checks and positions, in-process.

``Engine`` trades on the paper exchange (backtests and dry runs use the very code the live
Lambda runs). Commands, limits, instruments and reports are JSON text in the core's contract:
``snake_case`` fields, decimals as strings. Refusals raise the ``fks.errors`` class named by what
to do next (``BadRequest``, ``RiskDenied``, ``RateLimited``...), with the denial in ``details``.

``simulate`` is the backtest's bar loop (``fks.backtest`` calls it): targets to fills at the next
open, fees, slippage, sizing, stops, in the core's exact decimals on the paper venue's and the
live book's own fill and position arithmetic.

``apply_fill`` is that position arithmetic for the portfolio's books (``fks.portfolio.book``).
"""

from fks_execution._core import Engine, ExecutionError, Simulation, __version__, apply_fill, simulate

__all__ = ["Engine", "ExecutionError", "Simulation", "__version__", "apply_fill", "simulate"]
