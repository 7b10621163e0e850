"""``/orders``, ``/positions`` and ``/risk``: the execution API.

``POST /orders`` hands the command to the Rust ``execute_order`` function (this function never
sees the trading key); reads come from the tables it writes; halt and resume set the trading
state that function applies to every order (halted: nothing; reducing: only reducing orders).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.execution import OrderCommand
from fks.observability import API, observed
from fks_adapters.api import body_model, install_error_handlers
from fks_adapters.execution.invoker import ExecuteOrderInvoker
from fks_adapters.execution.tables import ExecutionTables

logger = Logger()
app = APIGatewayRestResolver()
install_error_handlers(app, logger)


def _tables() -> ExecutionTables:
    return ExecutionTables(
        env.require(env.ORDERS_TABLE), env.require(env.POSITIONS_TABLE), env.require(env.RISK_STATE_TABLE)
    )


def _account() -> str:
    return env.get(env.TRADING_ACCOUNT) or "binance-spot"


@app.post("/orders")
def place_order() -> Response[dict[str, Any]]:
    command = body_model(app, OrderCommand)
    report = ExecuteOrderInvoker(env.require(env.EXECUTE_ORDER_FUNCTION)).execute(command)
    logger.info("order executed", extra={"client_order_id": command.client_order_id, "status": report.get("status")})
    status = 200 if report.get("duplicate") else 201
    return Response(status_code=status, content_type="application/json", body={"order": report})


@app.get("/orders/<client_order_id>")
def get_order(client_order_id: str) -> dict[str, Any]:
    return {"order": _tables().order(client_order_id)}


@app.get("/positions")
def list_positions() -> dict[str, Any]:
    return {"positions": _tables().positions(_account())}


@app.get("/positions/<symbol>")
def get_position(symbol: str) -> dict[str, Any]:
    return {"position": _tables().position(_account(), symbol)}


@app.post("/risk/halt")
def halt() -> dict[str, Any]:
    _tables().set_trading_state(_account(), "halted")
    logger.warning("trading halted", extra={"account": _account()})
    return {"account": _account(), "trading_state": "halted"}


@app.post("/risk/resume")
def resume() -> dict[str, Any]:
    _tables().set_trading_state(_account(), "active")
    logger.info("trading resumed", extra={"account": _account()})
    return {"account": _account(), "trading_state": "active"}


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
