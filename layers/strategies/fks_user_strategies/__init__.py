"""Your own strategies: every module here holding a ``fks.strategies.Strategy`` subclass is one.

This folder is deployed as its own Lambda layer (template.yaml: StrategiesLayer) and found at cold
start by ``fks.strategies.plugins``: a strategy added here appears beside the built-ins in
``GET /strategy-types``, the dashboard's forms, backtests, optimisations and ``generate_signals``
without a change to the platform. ``fks strategy new NAME`` writes a new one from a template,
``fks strategy check NAME`` proves it does not look ahead. See docs/strategies.md.
"""
