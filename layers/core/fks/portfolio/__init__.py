"""The portfolio: cash and positions per account, allocation per strategy, equity over time,
and the orders that bring holdings back to target weights. Pure values; storage is in
``fks_adapters.portfolio``."""
