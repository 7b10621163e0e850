"""FKS execution core for Python: the Rust engine, its risk checks and positions, in-process.

``Engine`` trades on the paper exchange (backtests and dry runs use the very code the live
Lambda runs). Commands, limits, instruments and reports are JSON text in the core's contract:
``snake_case`` fields, decimals as strings. Refusals raise the ``fks.errors`` class named by what
to do next (``BadRequest``, ``RiskDenied``, ``RateLimited``...), with the denial in ``details``.
"""

from fks_execution._core import Engine, ExecutionError, __version__

__all__ = ["Engine", "ExecutionError", "__version__"]
