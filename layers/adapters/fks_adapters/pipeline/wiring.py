"""Default adapters for the pipeline and portfolio functions, from template.yaml's environment."""

from __future__ import annotations

from decimal import Decimal

from fks import env
from fks.pipeline.risk import PortfolioLimits
from fks.prop_firm import PropFirmAccount
from fks_adapters.execution.invoker import ExecuteOrderInvoker
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.portfolio.store import PortfolioStore
from fks_adapters.settings import current_setting

DEFAULT_ACCOUNT = "default"  # what a signal names when it means "the exchange account this stack trades"
TRADING_EXCHANGE = "binance"  # the venue execute_order trades (its Binance client), by ccxt's id


def signal_history() -> SignalHistory:
    return SignalHistory(env.require(env.SIGNALS_TABLE))


def portfolio_store() -> PortfolioStore:
    # The fallback is the template's InitialCapital default, for functions that only read the table.
    return PortfolioStore(env.require(env.PORTFOLIO_TABLE), Decimal(env.get(env.INITIAL_CAPITAL) or "100000"))


def execution_tables() -> ExecutionTables:
    return ExecutionTables(
        env.require(env.ORDERS_TABLE), env.require(env.POSITIONS_TABLE), env.require(env.RISK_STATE_TABLE)
    )


def execute_order_invoker() -> ExecuteOrderInvoker:
    return ExecuteOrderInvoker(env.require(env.EXECUTE_ORDER_FUNCTION))


def trading_account(named: str = DEFAULT_ACCOUNT) -> str:
    """The engine's account for a signal's account name: ``default`` is the configured one."""
    configured = env.get(env.TRADING_ACCOUNT) or "binance-spot"
    return configured if named == DEFAULT_ACCOUNT else named


def prop_firm_accounts() -> dict[str, PropFirmAccount]:
    """The futures accounts the pipeline checks prop-firm rules for, by the signal's account name:
    the stored setting (``fks_adapters.settings``), re-read within its cache bound."""
    accounts: dict[str, PropFirmAccount] = current_setting("prop_firm_accounts")
    return accounts


def portfolio_limits() -> PortfolioLimits:
    limits: PortfolioLimits = current_setting("portfolio_limits")
    return limits
