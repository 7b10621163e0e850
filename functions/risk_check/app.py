"""Pipeline state: the portfolio-level risk check, and the order the signal becomes.

Spot signals are checked against the account's equity, concentration, the strategy's allocation
and correlated positions (``fks.pipeline.risk``); futures signals only against the account's
trading state (the NinjaTrader bridge applies the prop-firm rules). A denial raises
``RiskDenied`` naming the rule; the state machine records it.
"""

from __future__ import annotations

import time
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.accounts import engine_account
from fks.errors import RiskDenied
from fks.function_settings import (
    AccountsTableSettings,
    ExecutionTablesSettings,
    PortfolioSettings,
    TradingAccountSettings,
    variable,
)
from fks.observability import SIGNAL, metrics, observed
from fks.pipeline.orders import order_for_signal
from fks.pipeline.outcomes import SignalStatus
from fks.pipeline.risk import Check, decide, decide_futures, reduces_position
from fks.pipeline.task_inputs import RiskCheckInput, parse_task_input
from fks.pipeline.task_outputs import RiskResult
from fks.signals import AssetClass, Side, Signal
from fks_adapters.accounts.routing import AccountRouting
from fks_adapters.accounts.store import AccountStore
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.ninja.reads import NinjaReads
from fks_adapters.pipeline.prices import CandlePrices
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.portfolio.store import PortfolioStore
from fks_adapters.settings import DEFAULT_MAX_AGE_S, SettingsReader
from fks_app.risk_context import RiskContextReader

if TYPE_CHECKING:
    from fks.market_data.series import CandleSeriesReader
    from fks.pipeline.risk import PortfolioLimits
    from fks.prop_firm import PropFirmAccount

logger = Logger()


class Settings(TradingAccountSettings, ExecutionTablesSettings, PortfolioSettings, AccountsTableSettings):
    signals_table: str = variable(env.SIGNALS_TABLE)
    data_bucket: str = variable(env.DATA_BUCKET)
    ninja_positions_table: str = variable(env.NINJA_POSITIONS_TABLE)
    # The limits and prop-firm accounts live in SSM under this prefix, re-read within the max age;
    # without it (a bare function) the template's initial values apply.
    settings_prefix: str | None = variable(env.SETTINGS_PREFIX, default=None)
    settings_max_age_s: int = variable(env.SETTINGS_MAX_AGE_S, int, default=DEFAULT_MAX_AGE_S)
    portfolio_limits: str | None = variable(env.PORTFOLIO_LIMITS, default=None)
    prop_firm_accounts: str | None = variable(env.PROP_FIRM_ACCOUNTS, default=None)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _settings() -> SettingsReader:
    initial = {"portfolio_limits": SETTINGS.portfolio_limits, "prop_firm_accounts": SETTINGS.prop_firm_accounts}
    return SettingsReader(SETTINGS.settings_prefix, SETTINGS.settings_max_age_s, initial)


@cache
def _history() -> SignalHistory:
    return SignalHistory(SETTINGS.signals_table)


@cache
def _tables() -> ExecutionTables:
    return ExecutionTables(SETTINGS.orders_table, SETTINGS.positions_table, SETTINGS.risk_state_table)


@cache
def _portfolio() -> PortfolioStore:
    return PortfolioStore(SETTINGS.portfolio_table, SETTINGS.initial_capital)


@cache
def _routing() -> AccountRouting:
    table = SETTINGS.accounts_table
    return AccountRouting(SETTINGS.trading_account, AccountStore(table) if table else None)


@cache
def _ninja_reads() -> NinjaReads:
    return NinjaReads("", SETTINGS.ninja_positions_table)  # the positions only


@cache
def _candles() -> CandleSeriesReader:
    from fks.market_data.series import CandleSeriesReader
    from fks_adapters.market_data.candle_reader import candle_store  # pandas: on the first check that prices

    return CandleSeriesReader(candle_store(SETTINGS.data_bucket))


def _futures_checks(reader: RiskContextReader, signal: Signal) -> list[Check]:
    # The stored setting (fks_adapters.settings), re-read within its cache bound.
    prop_firm: dict[str, PropFirmAccount] = _settings().current("prop_firm_accounts")
    configured = prop_firm.get(signal.account)
    if configured is None:
        # Not a prop-firm account here: the bridge refuses accounts it does not know.
        return decide_futures(reader.trading_state(signal.account), signal.account)
    contracts = signal.quantity * configured.contracts_per_unit
    if contracts != contracts.to_integral_value():
        raise RiskDenied(
            f"contracts: {signal.quantity} x {configured.contracts_per_unit} is not a whole number of contracts",
            details={"rule": "contracts"},
        )
    delta = int(contracts) if signal.side is Side.BUY else -int(contracts)
    nt8 = configured.nt8_account
    return decide_futures(
        reader.trading_state(nt8),
        nt8,
        rules=configured.effective_rules(),
        position=_ninja_reads().contracts(nt8, signal.symbol),
        delta=delta,
    )


@observed(logger, correlation=SIGNAL)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    signal = parse_task_input(RiskCheckInput, event, "RiskCheck").signal
    now_ms = int(time.time() * 1000)
    account = engine_account(signal.account, SETTINGS.trading_account)
    reader = RiskContextReader(_tables(), _portfolio(), CandlePrices(_candles()))
    order: dict[str, Any] | None = None
    price: str | None = None
    try:
        if signal.asset_class is AssetClass.FUTURES:
            checks = _futures_checks(reader, signal)
            route = "ninjatrader"
        else:
            risk_context = reader.read(signal, account, now_ms)
            limits: PortfolioLimits = _settings().current("portfolio_limits")
            checks = decide(risk_context, limits)
            route, price = "exchange", str(risk_context.price)
            opens = not reduces_position(risk_context)
            # The account's venue (accounts table) goes with the order: execute_order trades there.
            venue = _routing().venue_for_orders(account)
            order = order_for_signal(signal, account, opens=opens, venue=venue).model_dump(
                mode="json", exclude_none=True
            )
    except RiskDenied as denied:
        # Recorded here with every rule's verdict (the error that reaches Step Functions carries
        # only the message); the state machine's outcome state then finds the status final.
        _history().record(
            signal.signal_id,
            SignalStatus.DENIED,
            now_ms,
            reason=f"RiskDenied: {denied.message}",
            checks=denied.details.get("checks"),
        )
        metrics.add_metric(name="RiskDenied", unit=MetricUnit.Count, value=1)
        raise
    verdicts = [check.as_dict() for check in checks]
    _history().record(signal.signal_id, SignalStatus.RISK_APPROVED, now_ms, checks=verdicts, order=order)
    metrics.add_metric(name="RiskApproved", unit=MetricUnit.Count, value=1)
    logger.info("risk check passed", extra={"route": route, "account": account})
    return RiskResult(route=route, account=account, price=price, order=order, checks=verdicts).state_result()
