"""``/strategies``: deployed strategies (CRUD), their activation and approval mode.

``GET /strategy-types`` lists the built-in and plugin strategies (``fks_user_strategies``, the
strategies layer) with their declared parameters, which is what a form renders and what every
stored parameter set is validated against (400 naming it); a plugin that failed to load is listed
under ``broken`` with its reason.
A strategy's timeframe, and each of its informative series' (``Strategy.informative``), must be
buildable from its asset's collected base (1m unless the asset is collected at another): a finer
one is a 400 naming both.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.function_settings import ApiSettings, variable
from fks.market_data.series import require_buildable
from fks.observability import API, observed
from fks.strategies import get_strategy, strategy_names
from fks.strategies.configs import STRATEGY_ID_PATTERN, StrategyConfig, StrategyUpdate
from fks.strategies.registry import broken_plugins, is_plugin
from fks_adapters.api import make_resolver
from fks_adapters.market_data.assets import AssetRegistry
from fks_adapters.market_data.candle_reader import CollectedBase
from fks_adapters.strategies.table import StrategyTable

logger = Logger()


class Settings(ApiSettings):
    strategies_table: str = variable(env.STRATEGIES_TABLE)
    assets_table: str = variable(env.ASSETS_TABLE)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it
app = make_resolver(logger, SETTINGS.cors_origin)  # validation, CORS for the dashboard, FksError statuses


@cache
def _table() -> StrategyTable:
    return StrategyTable(SETTINGS.strategies_table)


@cache
def _registry() -> AssetRegistry:
    return AssetRegistry(SETTINGS.assets_table)


StrategyId = Annotated[str, Path(pattern=STRATEGY_ID_PATTERN, description="the deployed strategy's id")]


@app.get("/strategy-types")
def strategy_types() -> dict[str, Any]:
    """The built-in and plugin strategies with their parameters (and, per strategy, the informative series and
    stored models it reads), the broken plugins, the optimisation objectives."""
    types = []
    for name in strategy_names():
        strategy = get_strategy(name)
        parameters = [parameter.model_dump(mode="json") for parameter in strategy.parameters]
        source = "plugin" if is_plugin(name) else "built_in"
        defaults = strategy.validate_params({})
        # What else it reads with its default parameters: other series, and stored models to train first.
        informative = [{"symbol": i.symbol, "timeframe": i.timeframe.value} for i in strategy.informative(defaults)]
        models = [need.kind for need in strategy.models(defaults)]
        types.append({"name": name, "description": strategy.description, "source": source, "parameters": parameters,
                      "informative": informative, "models": models})  # fmt: skip
    broken = [{"name": entry.name, "module": entry.module, "reason": entry.reason} for entry in broken_plugins()]
    # What POST /optimizations accepts as its objective: the built-ins and the plugins' losses.
    # Imported here: the backtest package (engine, fills, metrics) loads with it, and no other
    # route of this API needs it.
    from fks.backtest.objectives import objective_names

    return {"strategy_types": types, "broken": broken, "objectives": objective_names()}


@app.get("/strategies")
def list_strategies() -> dict[str, Any]:
    """Every deployed strategy."""
    return {"strategies": [config.model_dump(mode="json") for config in _table().list()]}


@app.post("/strategies", responses={201: {"description": "Created: the stored strategy, defaults filled"}})
def create_strategy(config: Annotated[StrategyConfig, Body()]) -> Response[dict[str, Any]]:
    """Deploy a strategy; its parameters are validated against its declaration (409 if the id exists)."""
    config = _table().create(_buildable(config))
    logger.info("strategy created", extra={"strategy_id": config.strategy_id})
    return Response(status_code=201, content_type="application/json", body={"strategy": config.model_dump(mode="json")})


@app.get("/strategies/<strategy_id>")
def get_strategy_config(strategy_id: StrategyId) -> dict[str, Any]:
    """One deployed strategy."""
    return {"strategy": _table().get(strategy_id).model_dump(mode="json")}


@app.put("/strategies/<strategy_id>")
def update_strategy(strategy_id: StrategyId, update: Annotated[StrategyUpdate, Body()]) -> dict[str, Any]:
    """Change some fields of a strategy; params merge into the stored ones."""
    table = _table()
    updated = update.apply(table.get(strategy_id))
    return {"strategy": table.replace(_buildable(updated)).model_dump(mode="json")}


@app.delete("/strategies/<strategy_id>")
def delete_strategy(strategy_id: StrategyId) -> dict[str, Any]:
    """Remove a deployed strategy."""
    _table().delete(strategy_id)
    return {"deleted": strategy_id}


@app.post("/strategies/<strategy_id>/activate")
def activate(strategy_id: StrategyId) -> dict[str, Any]:
    """Start evaluating the strategy on its schedule."""
    return _set_active(strategy_id, True)


@app.post("/strategies/<strategy_id>/deactivate")
def deactivate(strategy_id: StrategyId) -> dict[str, Any]:
    """Stop evaluating the strategy."""
    return _set_active(strategy_id, False)


def _buildable(config: StrategyConfig) -> StrategyConfig:
    """The config, if its bars, and those of every informative series it reads, can be built from
    what collection stores for their assets."""
    base_of = CollectedBase(_registry())
    require_buildable(config.timeframe, base_of(config.exchange, config.symbol))
    for spec in get_strategy(config.strategy).informative(config.params):
        require_buildable(spec.timeframe, base_of(config.exchange, spec.symbol or config.symbol))
    return config


def _set_active(strategy_id: str, active: bool) -> dict[str, Any]:
    table = _table()
    # Validated, not copied: a strategy whose settings cannot trade live is refused activation (400).
    current = table.get(strategy_id)
    config = table.replace(StrategyConfig.model_validate({**current.model_dump(), "active": active}))
    logger.info("strategy activation", extra={"strategy_id": strategy_id, "active": active})
    return {"strategy": config.model_dump(mode="json")}


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
