"""FKS domain package: contracts, market data, strategies, backtests and risk.

It imports neither boto3 nor ccxt: adapters in ``fks_adapters`` take their clients as arguments,
so everything here runs the same in a Lambda, a test and the CLI.
"""

__version__ = "0.1.0"
