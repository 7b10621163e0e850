"""Default adapters for the pipeline and portfolio functions, from template.yaml's environment.

Each factory imports its adapter when called: a function imports this module for one or two of
them (the signals API only reads the signal history), and a cold start should not load the risk
rules, the prop-firm model, the settings catalogue and the execution tables it never uses.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from fks import env

if TYPE_CHECKING:
    from fks.pipeline.risk import PortfolioLimits
    from fks.prop_firm import PropFirmAccount
    from fks_adapters.execution.invoker import ExecuteOrderInvoker
    from fks_adapters.execution.tables import ExecutionTables
    from fks_adapters.pipeline.executions import SignalPipeline
    from fks_adapters.pipeline.signal_history import SignalHistory
    from fks_adapters.portfolio.store import PortfolioStore

DEFAULT_ACCOUNT = "default"  # what a signal names when it means "the exchange account this stack trades"
TRADING_EXCHANGE = "binance"  # the venue execute_order trades (its Binance client), by ccxt's id


def signal_history() -> SignalHistory:
    from fks_adapters.pipeline.signal_history import SignalHistory

    return SignalHistory(env.require(env.SIGNALS_TABLE))


def signal_pipeline() -> SignalPipeline:
    from fks_adapters.pipeline.executions import SignalPipeline

    return SignalPipeline(env.require(env.SIGNAL_STATE_MACHINE_ARN))


def portfolio_store() -> PortfolioStore:
    from fks_adapters.portfolio.store import PortfolioStore

    # The fallback is the template's InitialCapital default, for functions that only read the table.
    return PortfolioStore(env.require(env.PORTFOLIO_TABLE), Decimal(env.get(env.INITIAL_CAPITAL) or "100000"))


def execution_tables() -> ExecutionTables:
    from fks_adapters.execution.tables import ExecutionTables

    return ExecutionTables(
        env.require(env.ORDERS_TABLE), env.require(env.POSITIONS_TABLE), env.require(env.RISK_STATE_TABLE)
    )


def execute_order_invoker() -> ExecuteOrderInvoker:
    from fks_adapters.execution.invoker import ExecuteOrderInvoker

    return ExecuteOrderInvoker(env.require(env.EXECUTE_ORDER_FUNCTION))


def trading_account(named: str = DEFAULT_ACCOUNT) -> str:
    """The engine's account for a signal's account name: ``default`` is the configured one."""
    configured = env.get(env.TRADING_ACCOUNT) or "binance-spot"
    return configured if named == DEFAULT_ACCOUNT else named


def prop_firm_accounts() -> dict[str, PropFirmAccount]:
    """The futures accounts the pipeline checks prop-firm rules for, by the signal's account name:
    the stored setting (``fks_adapters.settings``), re-read within its cache bound."""
    from fks_adapters.settings import current_setting

    accounts: dict[str, PropFirmAccount] = current_setting("prop_firm_accounts")
    return accounts


def portfolio_limits() -> PortfolioLimits:
    from fks_adapters.settings import current_setting

    limits: PortfolioLimits = current_setting("portfolio_limits")
    return limits
