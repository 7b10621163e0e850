"""``/orders``, ``/positions`` and ``/risk``: the execution API.

``POST /orders`` and ``DELETE /orders/{id}`` hand the command to the Rust ``execute_order``
function (this function never sees the trading key) and book the fills its answer carries into
the portfolio (once each, as every other path books them); reads come from the tables it writes;
halt and resume set the trading state that function applies to every order (halted: nothing;
reducing: only reducing orders).
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.accounts import ENGINE_VENUE
from fks.execution import ACCOUNT_PATTERN, CLIENT_ORDER_ID_PATTERN, CancelOrderCommand, ExecutionReport, OrderCommand
from fks.function_settings import (
    AccountsTableSettings,
    ApiSettings,
    ExecutionTablesSettings,
    PortfolioSettings,
    TradingAccountSettings,
    variable,
)
from fks.observability import API, observed
from fks.pipeline.orders import require_caller_order_id
from fks_adapters.accounts.routing import AccountRouting
from fks_adapters.accounts.store import AccountStore
from fks_adapters.api import make_resolver
from fks_adapters.execution.invoker import ExecuteOrderInvoker
from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.portfolio.store import PortfolioStore
from fks_app.booking import book_report, owner_of

logger = Logger()
# Named ``id`` as in the template's /orders/{id}: the client order id.
OrderId = Annotated[str, Path(pattern=CLIENT_ORDER_ID_PATTERN, description="the order's client order id")]


class Settings(TradingAccountSettings, ExecutionTablesSettings, PortfolioSettings, AccountsTableSettings, ApiSettings):
    signals_table: str = variable(env.SIGNALS_TABLE)
    execute_order_function: str = variable(env.EXECUTE_ORDER_FUNCTION)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it
app = make_resolver(logger, SETTINGS.cors_origin)  # validation, CORS for the dashboard, FksError statuses


@cache
def _tables() -> ExecutionTables:
    return ExecutionTables(SETTINGS.orders_table, SETTINGS.positions_table, SETTINGS.risk_state_table)


@cache
def _engine() -> ExecuteOrderInvoker:
    return ExecuteOrderInvoker(SETTINGS.execute_order_function)


@cache
def _history() -> SignalHistory:
    return SignalHistory(SETTINGS.signals_table)


@cache
def _portfolio() -> PortfolioStore:
    return PortfolioStore(SETTINGS.portfolio_table, SETTINGS.initial_capital)


@cache
def _routing() -> AccountRouting:
    table = SETTINGS.accounts_table
    return AccountRouting(SETTINGS.trading_account, AccountStore(table) if table else None)


def _account() -> str:
    return SETTINGS.trading_account


def _book(report: dict[str, Any]) -> None:
    """The answer's fills into the portfolio: the strategy's book if a recorded signal placed the
    order, else the direct book. A failure here fails the call: its retry (idempotent by client
    order id) replays the order, and the replay books what is missing."""
    parsed = ExecutionReport.model_validate(report)
    if not parsed.fills and parsed.filled_qty <= 0:
        return
    owner = owner_of(parsed.signal_id, _history(), ENGINE_VENUE)
    book_report(_portfolio(), parsed.account, parsed, owner)


@app.post(
    "/orders",
    responses={200: {"description": "A retry of a placed order: its report"}, 201: {"description": "Placed"}},
)
def place_order(command: Annotated[OrderCommand, Body()]) -> Response[dict[str, Any]]:
    """Place an order through the Rust execution engine (idempotent by client_order_id)."""
    require_caller_order_id(command.client_order_id)
    report = _engine().execute(command)
    _book(report)
    logger.info("order executed", extra={"client_order_id": command.client_order_id, "status": report.get("status")})
    status = 200 if report.get("duplicate") else 201
    return Response(status_code=status, content_type="application/json", body={"order": report})


@app.get("/orders")
def list_orders(
    account: Annotated[str | None, Query(pattern=ACCOUNT_PATTERN, description="default: the deployment's")] = None,
    status: Annotated[Literal["open", "all"], Query(description="open: only working orders")] = "all",
    limit: Annotated[int, Query(ge=1, le=500, description="how many orders besides the open ones")] = 100,
) -> dict[str, Any]:
    """An account's orders without their fills: every open order first, then the newest."""
    orders = _tables().orders(_account() if account is None else account, open_only=status == "open", limit=limit)
    return {"orders": orders}


@app.get("/orders/<id>")
def get_order(id: OrderId) -> dict[str, Any]:
    """One order by its client order id."""
    return {"order": _tables().order(id)}


@app.delete("/orders/<id>")
def cancel_order(id: OrderId) -> dict[str, Any]:
    """Cancel an open order; cancelling twice is harmless."""
    client_order_id = id
    command = CancelOrderCommand(client_order_id=client_order_id, account=_account())
    report = _engine().execute(command)
    _book(report)  # the venue may answer that the order filled before the cancel reached it
    logger.info("order canceled", extra={"client_order_id": client_order_id, "status": report.get("status")})
    return {"order": report}


def _viewed(account: str | None) -> str:
    """The account a read names: the deployment's by default, else one of the accounts table (404)."""
    return _account() if account is None else _routing().viewed_account(account)[0]


@app.get("/positions")
def list_positions(
    account: Annotated[str | None, Query(pattern=ACCOUNT_PATTERN, description="default: the deployment's")] = None,
) -> dict[str, Any]:
    """Every position of an account."""
    return {"positions": _tables().positions(_viewed(account))}


@app.get("/positions/<symbol>")
def get_position(
    symbol: Annotated[str, Path(min_length=1, max_length=40)],
    account: Annotated[str | None, Query(pattern=ACCOUNT_PATTERN, description="default: the deployment's")] = None,
) -> dict[str, Any]:
    """The position of an account in one symbol."""
    return {"position": _tables().position(_viewed(account), symbol)}


@app.post("/risk/halt")
def halt() -> dict[str, Any]:
    """Halt trading: the engine refuses every new order."""
    _tables().set_trading_state(_account(), "halted")
    logger.warning("trading halted", extra={"account": _account()})
    return {"account": _account(), "trading_state": "halted"}


@app.post("/risk/resume")
def resume() -> dict[str, Any]:
    """Resume trading."""
    _tables().set_trading_state(_account(), "active")
    logger.info("trading resumed", extra={"account": _account()})
    return {"account": _account(), "trading_state": "active"}


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
