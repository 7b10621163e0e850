"""``POST /backtests``, ``GET /backtests`` (past runs, newest first, paged), ``GET /backtests/{id}``,
``POST /optimizations``, ``GET /optimizations`` (likewise), ``GET /optimizations/{id}``;
and, invoked by the optimisation state machine, one grid cell (``{"action": "cell"}``) or the
choice of the best cell (``{"action": "pick_best"}``).

A grid of more than ``FKS_INLINE_GRID_CELLS`` cells is not run in this request: it starts the
optimisation state machine, whose Map state runs each cell in its own invocation of this function,
and answers 202 with the optimisation id.
"""

from __future__ import annotations

import json
import math
import uuid
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.backtest.requests import BacktestRequest, OptimizationRequest
from fks.backtest.tasks import OptimizationTask, RunCellTask
from fks.function_settings import ApiSettings, variable
from fks.invocations import parse_event
from fks.market_data.storage import SeriesKey
from fks.observability import API, observed
from fks_adapters.api import make_resolver
from fks_adapters.aws.lazy import aws_client
from fks_adapters.market_data.assets import AssetRegistry
from fks_adapters.market_data.candle_reader import candle_series, candle_store
from fks_adapters.ml.model_store import ModelStore
from fks_adapters.strategies.results import PAGE_CURSOR_PATTERN, ResultStore

if TYPE_CHECKING:
    from fks.market_data.series import CandleSeriesReader
    from fks_adapters.market_data.s3_store import S3CandleStore

logger = Logger()
ResultId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="the id the POST answered")]
DEFAULT_INLINE_GRID_CELLS = 200
MAX_PAGE = 100


class Settings(ApiSettings):
    data_bucket: str = variable(env.DATA_BUCKET)
    assets_table: str = variable(env.ASSETS_TABLE)
    models_prefix: str = variable(env.MODELS_PREFIX, default="models")
    optimization_state_machine_arn: str = variable(env.OPTIMIZATION_STATE_MACHINE_ARN)
    # A grid of more cells than this runs on the state machine, one invocation per cell.
    inline_grid_cells: int = variable(env.INLINE_GRID_CELLS, int, default=DEFAULT_INLINE_GRID_CELLS)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it
app = make_resolver(logger, SETTINGS.cors_origin)  # validation, CORS for the dashboard, FksError statuses


@cache
def _store() -> S3CandleStore:
    return candle_store(SETTINGS.data_bucket)


@cache
def _registry() -> AssetRegistry:
    return AssetRegistry(SETTINGS.assets_table)


def _candles() -> CandleSeriesReader:
    """One per request: it looks each asset's collected base up once."""
    return candle_series(_store(), _registry())


@cache
def _results(kind: str) -> ResultStore:
    return ResultStore(SETTINGS.data_bucket, kind)


@cache
def _models() -> ModelStore:
    return ModelStore(SETTINGS.data_bucket, prefix=SETTINGS.models_prefix)


@app.post("/backtests", responses={201: {"description": "The backtest, run and stored"}})
def post_backtest(request: Annotated[BacktestRequest, Body()]) -> Response[dict[str, Any]]:
    """Run a backtest on stored history and store its result."""
    from fks_app import backtests  # pandas, pyarrow and the engine: only running a backtest needs them

    body = backtests.run_backtest_request(request, _candles(), _results("backtests"), _models())
    return Response(status_code=201, content_type="application/json", body=body)


@app.get("/backtests")
def list_backtests(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="results per page")] = 20,
    after: Annotated[
        str | None, Query(pattern=PAGE_CURSOR_PATTERN, description="the `next` cursor of the previous page")
    ] = None,
) -> dict[str, Any]:
    """Past backtests, newest first: each run's market, strategy, parameters and headline metrics."""
    page, cursor = _results("backtests").list_recent(limit, after)
    return {"backtests": page, "next": cursor}


@app.get("/backtests/<backtest_id>")
def get_backtest(backtest_id: ResultId) -> dict[str, Any]:
    """A stored backtest result."""
    return _results("backtests").get(backtest_id)


@app.post(
    "/optimizations",
    responses={
        201: {"description": "The optimisation, run inline and stored"},
        202: {"description": "A large grid, started on the state machine: poll GET /optimizations/{id}"},
    },
)
def post_optimization(request: Annotated[OptimizationRequest, Body()]) -> Response[dict[str, Any]]:
    """Search a strategy's parameters (grid, random or Bayesian) on stored history."""
    from fks_app import backtests  # pandas, pyarrow and the engine: only running a backtest needs them

    request.resolved()  # a bad strategy or parameter name is a 400 before anything starts
    # ... and so is a timeframe the collected base cannot build, before any cell runs.
    _candles().base_key(SeriesKey.of(request.exchange, request.symbol, request.timeframe))
    cells = math.prod(len(values) for values in request.space.values())
    if request.method == "grid" and cells > SETTINGS.inline_grid_cells:
        return Response(status_code=202, content_type="application/json", body=_fan_out(request))
    body = backtests.run_optimization_request(request, _candles(), _results("optimizations"), models=_models())
    return Response(status_code=201, content_type="application/json", body=body)


@app.get("/optimizations")
def list_optimizations(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="results per page")] = 20,
    after: Annotated[
        str | None, Query(pattern=PAGE_CURSOR_PATTERN, description="the `next` cursor of the previous page")
    ] = None,
) -> dict[str, Any]:
    """Past optimisations, newest first: each run's market, strategy, search, objective and best cell."""
    page, cursor = _results("optimizations").list_recent(limit, after)
    return {"optimizations": page, "next": cursor}


@app.get("/optimizations/<optimization_id>")
def get_optimization(optimization_id: ResultId) -> dict[str, Any]:
    """A stored optimisation result (or its progress while the state machine runs)."""
    return _results("optimizations").get(optimization_id)


def _fan_out(request: OptimizationRequest) -> dict[str, Any]:
    from fks_app import backtests  # pandas, pyarrow and the engine: only running a backtest needs them

    optimization_id = uuid.uuid4().hex
    execution = aws_client("stepfunctions").start_execution(
        stateMachineArn=SETTINGS.optimization_state_machine_arn,
        name=optimization_id,
        input=json.dumps(backtests.optimization_input(request, optimization_id)),
    )
    summary = backtests.optimization_summary(request, "running")
    _results("optimizations").add_to_index(optimization_id, summary)
    return {"id": optimization_id, "execution_arn": execution["executionArn"], "status": "running"}


def _invoked_by_state_machine(event: dict[str, Any]) -> dict[str, Any]:
    from fks_app import backtests  # pandas, pyarrow and the engine: only running a backtest needs them

    task = parse_event(OptimizationTask, event, "optimisation task").root
    if isinstance(task, RunCellTask):
        return backtests.run_cell(task.request, task.params, _candles(), _models())
    cells = [cell.model_dump(mode="json") for cell in task.cells]
    best = backtests.pick_best(cells)
    document = {"id": task.optimization_id, "best": best, "trials": len(cells), "all": cells}
    _results("optimizations").put(task.optimization_id, document)
    return {"id": task.optimization_id, "best": best, "trials": len(cells)}


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "action" in event:
        return _invoked_by_state_machine(event)
    return app.resolve(event, context)
