"""``/strategies``: deployed strategies (CRUD), their activation and approval mode.

``GET /strategy-types`` lists the built-in strategies with their declared parameters, which is
what a form renders and what every stored parameter set is validated against (400 naming it).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks.observability import API, observed
from fks.strategies import get_strategy, strategy_names
from fks.strategies.configs import StrategyConfig, StrategyUpdate
from fks_adapters.api import body_model, install_error_handlers
from fks_adapters.strategies import wiring

logger = Logger()
app = APIGatewayRestResolver()
install_error_handlers(app, logger)


@app.get("/strategy-types")
def strategy_types() -> dict[str, Any]:
    types = []
    for name in strategy_names():
        strategy = get_strategy(name)
        parameters = [parameter.model_dump(mode="json") for parameter in strategy.parameters]
        types.append({"name": name, "description": strategy.description, "parameters": parameters})
    return {"strategy_types": types}


@app.get("/strategies")
def list_strategies() -> dict[str, Any]:
    return {"strategies": [config.model_dump(mode="json") for config in wiring.strategy_table().list()]}


@app.post("/strategies")
def create_strategy() -> Response[dict[str, Any]]:
    config = wiring.strategy_table().create(body_model(app, StrategyConfig))
    logger.info("strategy created", extra={"strategy_id": config.strategy_id})
    return Response(status_code=201, content_type="application/json", body={"strategy": config.model_dump(mode="json")})


@app.get("/strategies/<strategy_id>")
def get_strategy_config(strategy_id: str) -> dict[str, Any]:
    return {"strategy": wiring.strategy_table().get(strategy_id).model_dump(mode="json")}


@app.put("/strategies/<strategy_id>")
def update_strategy(strategy_id: str) -> dict[str, Any]:
    table = wiring.strategy_table()
    updated = body_model(app, StrategyUpdate).apply(table.get(strategy_id))
    return {"strategy": table.replace(updated).model_dump(mode="json")}


@app.delete("/strategies/<strategy_id>")
def delete_strategy(strategy_id: str) -> dict[str, Any]:
    wiring.strategy_table().delete(strategy_id)
    return {"deleted": strategy_id}


@app.post("/strategies/<strategy_id>/activate")
def activate(strategy_id: str) -> dict[str, Any]:
    return _set_active(strategy_id, True)


@app.post("/strategies/<strategy_id>/deactivate")
def deactivate(strategy_id: str) -> dict[str, Any]:
    return _set_active(strategy_id, False)


def _set_active(strategy_id: str, active: bool) -> dict[str, Any]:
    table = wiring.strategy_table()
    config = table.replace(table.get(strategy_id).model_copy(update={"active": active}))
    logger.info("strategy activation", extra={"strategy_id": strategy_id, "active": active})
    return {"strategy": config.model_dump(mode="json")}


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
