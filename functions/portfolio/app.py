"""``/portfolio``: cash, positions and allocations per account, equity over time, rebalancing.

Every route takes ``account`` (default: the deployment's own); any other must be in the accounts
table (404 naming it otherwise), and its prices come from its venue's candles unless
``exchange`` says otherwise.

Cash and the strategies' books come from the portfolio table, positions from the execution
engine's table, prices from the candle store. A rebalance is a dry run by default: it answers
the orders it would place; with ``dry_run: false`` each order goes out as a signal through the
pipeline, so it is risk-checked and audited like any other.
"""

from __future__ import annotations

import time
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.function_settings import (
    AccountsTableSettings,
    ApiSettings,
    ExecutionTablesSettings,
    PortfolioSettings,
    TradingAccountSettings,
    variable,
)
from fks.observability import API, observed
from fks.portfolio.rebalance import plan_rebalance
from fks.portfolio.requests import AccountQuery, AllocationsUpdate, HistoryQuery, RebalanceRequest
from fks_adapters.accounts.routing import AccountRouting
from fks_adapters.accounts.store import AccountStore
from fks_adapters.api import make_resolver
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.pipeline.executions import SignalPipeline
from fks_adapters.pipeline.prices import CandlePrices
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.portfolio.lot_steps import lot_steps
from fks_adapters.portfolio.store import PortfolioStore
from fks_app.rebalance_signals import send_rebalance_signals
from fks_app.signal_recording import SignalRecorder
from fks_app.valuation import PortfolioValuer

if TYPE_CHECKING:
    from fks.market_data.series import CandleSeriesReader

logger = Logger()


class Settings(TradingAccountSettings, ExecutionTablesSettings, PortfolioSettings, AccountsTableSettings, ApiSettings):
    signals_table: str = variable(env.SIGNALS_TABLE)
    signal_state_machine_arn: str = variable(env.SIGNAL_STATE_MACHINE_ARN)
    data_bucket: str = variable(env.DATA_BUCKET)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it
app = make_resolver(logger, SETTINGS.cors_origin)


@cache
def _portfolio() -> PortfolioStore:
    return PortfolioStore(SETTINGS.portfolio_table, SETTINGS.initial_capital)


@cache
def _tables() -> ExecutionTables:
    return ExecutionTables(SETTINGS.orders_table, SETTINGS.positions_table, SETTINGS.risk_state_table)


@cache
def _routing() -> AccountRouting:
    table = SETTINGS.accounts_table
    return AccountRouting(SETTINGS.trading_account, AccountStore(table) if table else None)


@cache
def _candles() -> CandleSeriesReader:
    from fks.market_data.series import CandleSeriesReader
    from fks_adapters.market_data.candle_reader import candle_store  # pandas: only the routes that value

    return CandleSeriesReader(candle_store(SETTINGS.data_bucket))


@cache
def _recorder() -> SignalRecorder:
    return SignalRecorder(SignalHistory(SETTINGS.signals_table), SignalPipeline(SETTINGS.signal_state_machine_arn))


def _valuer() -> PortfolioValuer:
    """A valuer for one call: its prices read each series once."""
    return PortfolioValuer(_portfolio(), _tables(), CandlePrices(_candles()))


def _account(named: str, exchange: str | None = None) -> tuple[str, str]:
    """The engine account ``named`` and where its prices come from (``exchange``, else its venue)."""
    account, venue = _routing().viewed_account(named)
    return account, exchange or venue


@app.get("/portfolio")
def get_portfolio(query: Annotated[AccountQuery, Query()]) -> dict[str, Any]:
    account, exchange = _account(query.account, query.exchange)
    store = _portfolio()
    valuation = _valuer().value(account, exchange, int(time.time() * 1000))
    marks = {p.symbol: p.price for p in valuation.positions}
    allocations = store.allocations(account)
    strategies: dict[str, dict[str, Any]] = {}
    for (strategy_id, symbol), book in sorted(store.books(account).items()):
        entry = strategies.setdefault(strategy_id, {"strategy_id": strategy_id, "books": []})
        price = marks.get(symbol, book.avg_entry_price)
        entry["books"].append(
            {
                "symbol": symbol,
                "quantity": str(book.quantity),
                "avg_entry_price": str(book.avg_entry_price),
                "realized_pnl": str(book.realized_pnl),
                "unrealized_pnl": str(book.unrealized_pnl(price).quantize(Decimal("0.01"))),
                "fees": str(book.fees),
            }
        )
    for strategy_id, weight in allocations.items():
        strategies.setdefault(strategy_id, {"strategy_id": strategy_id, "books": []})["target_weight"] = str(weight)
    for entry in strategies.values():
        weight = Decimal(entry.get("target_weight", "0"))
        entry["allocated_capital"] = str((weight * valuation.equity).quantize(Decimal("0.01")))
    return {**valuation.as_dict(), "exchange": exchange, "strategies": list(strategies.values())}


@app.get("/portfolio/history")
def history(query: Annotated[HistoryQuery, Query()]) -> dict[str, Any]:
    account, _ = _account(query.account)
    end = query.end if query.end is not None else int(time.time() * 1000)
    start = query.start if query.start is not None else end - 30 * 86_400_000
    snapshots = _portfolio().history(account, start, end, query.limit)
    return {"account": account, "snapshots": snapshots}


@app.put("/portfolio/allocations")
def set_allocations(update: Annotated[AllocationsUpdate, Body()]) -> dict[str, Any]:
    account, _ = _account(update.account)
    _portfolio().set_allocations(account, dict(update.allocations))
    allocations = {strategy: str(weight) for strategy, weight in update.allocations.items()}
    logger.info("allocations set", extra={"account": account, "allocations": allocations})
    return {"account": account, "allocations": allocations}


@app.post("/portfolio/rebalance")
def rebalance(request: Annotated[RebalanceRequest, Body()]) -> dict[str, Any]:
    account, exchange = _account(request.account, request.exchange)
    now_ms = int(time.time() * 1000)
    valuer = _valuer()
    valuation = valuer.value(account, exchange, now_ms)
    prices = {p.symbol: p.price for p in valuation.positions if not p.price_is_stale}
    for symbol in request.targets:
        if symbol not in prices:
            close = valuer.prices(exchange).last_close(symbol, now_ms=now_ms)
            if close is not None:
                prices[symbol] = close
    orders = plan_rebalance(
        valuation.equity,
        {p.symbol: p.quantity for p in valuation.positions},
        prices,
        dict(request.targets),
        quantity_steps=lot_steps(exchange, sorted(set(request.targets) | set(prices))),
        min_notional=request.min_notional,
    )
    answer: dict[str, Any] = {
        "account": account,
        "dry_run": request.dry_run,
        "equity": str(valuation.equity.quantize(Decimal("0.01"))),
        "orders": [order.as_dict() for order in orders],
    }
    if not request.dry_run:
        answer["signals"] = send_rebalance_signals(_recorder(), orders, request, exchange, now_ms)
        logger.info("rebalance sent", extra={"account": account, "signals": answer["signals"]})
    return answer


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
