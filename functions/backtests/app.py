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
import os
import uuid
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.backtest.requests import BacktestRequest, OptimizationRequest
from fks.backtest.tasks import OptimizationTask, RunCellTask
from fks.invocations import parse_event
from fks.market_data.storage import SeriesKey
from fks.observability import API, observed
from fks_adapters.api import make_resolver
from fks_adapters.aws.lazy import aws_client
from fks_adapters.market_data import wiring as market_data
from fks_adapters.strategies import wiring
from fks_adapters.strategies.results import PAGE_CURSOR_PATTERN
from fks_app import backtests

logger = Logger()
app = make_resolver(logger)  # validation, CORS for the dashboard, FksError statuses
ResultId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="the id the POST answered")]
DEFAULT_INLINE_GRID_CELLS = 200
MAX_PAGE = 100


@app.post("/backtests", responses={201: {"description": "The backtest, run and stored"}})
def post_backtest(request: Annotated[BacktestRequest, Body()]) -> Response[dict[str, Any]]:
    """Run a backtest on stored history and store its result."""
    body = backtests.run_backtest_request(
        request, market_data.candle_series(), wiring.result_store("backtests"), wiring.model_store()
    )
    return Response(status_code=201, content_type="application/json", body=body)


@app.get("/backtests")
def list_backtests(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="results per page")] = 20,
    after: Annotated[
        str | None, Query(pattern=PAGE_CURSOR_PATTERN, description="the `next` cursor of the previous page")
    ] = None,
) -> dict[str, Any]:
    """Past backtests, newest first: each run's market, strategy, parameters and headline metrics."""
    page, cursor = wiring.result_store("backtests").list_recent(limit, after)
    return {"backtests": page, "next": cursor}


@app.get("/backtests/<backtest_id>")
def get_backtest(backtest_id: ResultId) -> dict[str, Any]:
    """A stored backtest result."""
    return wiring.result_store("backtests").get(backtest_id)


@app.post(
    "/optimizations",
    responses={
        201: {"description": "The optimisation, run inline and stored"},
        202: {"description": "A large grid, started on the state machine: poll GET /optimizations/{id}"},
    },
)
def post_optimization(request: Annotated[OptimizationRequest, Body()]) -> Response[dict[str, Any]]:
    """Search a strategy's parameters (grid, random or Bayesian) on stored history."""
    request.resolved()  # a bad strategy or parameter name is a 400 before anything starts
    # ... and so is a timeframe the collected base cannot build, before any cell runs.
    market_data.candle_series().base_key(SeriesKey.of(request.exchange, request.symbol, request.timeframe))
    cells = math.prod(len(values) for values in request.space.values())
    if request.method == "grid" and cells > int(os.environ.get("FKS_INLINE_GRID_CELLS", DEFAULT_INLINE_GRID_CELLS)):
        return Response(status_code=202, content_type="application/json", body=_fan_out(request))
    body = backtests.run_optimization_request(
        request, market_data.candle_series(), wiring.result_store("optimizations"), models=wiring.model_store()
    )
    return Response(status_code=201, content_type="application/json", body=body)


@app.get("/optimizations")
def list_optimizations(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="results per page")] = 20,
    after: Annotated[
        str | None, Query(pattern=PAGE_CURSOR_PATTERN, description="the `next` cursor of the previous page")
    ] = None,
) -> dict[str, Any]:
    """Past optimisations, newest first: each run's market, strategy, search, objective and best cell."""
    page, cursor = wiring.result_store("optimizations").list_recent(limit, after)
    return {"optimizations": page, "next": cursor}


@app.get("/optimizations/<optimization_id>")
def get_optimization(optimization_id: ResultId) -> dict[str, Any]:
    """A stored optimisation result (or its progress while the state machine runs)."""
    return wiring.result_store("optimizations").get(optimization_id)


def _fan_out(request: OptimizationRequest) -> dict[str, Any]:
    optimization_id = uuid.uuid4().hex
    execution = aws_client("stepfunctions").start_execution(
        stateMachineArn=env.require(env.OPTIMIZATION_STATE_MACHINE_ARN),
        name=optimization_id,
        input=json.dumps(optimization_input(request, optimization_id)),
    )
    summary = backtests.optimization_summary(request, "running")
    wiring.result_store("optimizations").add_to_index(optimization_id, summary)
    return {"id": optimization_id, "execution_arn": execution["executionArn"], "status": "running"}


def optimization_input(request: OptimizationRequest, optimization_id: str) -> dict[str, Any]:
    """The state machine's input: the request and every grid cell, in ``run_grid``'s order."""
    from fks.backtest import grid_combinations

    strategy, _ = request.resolved()
    cells = grid_combinations(strategy, request.space)
    return {"optimization_id": optimization_id, "request": request.model_dump(mode="json"), "cells": cells}


def _invoked_by_state_machine(event: dict[str, Any]) -> dict[str, Any]:
    task = parse_event(OptimizationTask, event, "optimisation task").root
    if isinstance(task, RunCellTask):
        return backtests.run_cell(task.request, task.params, market_data.candle_series(), wiring.model_store())
    cells = [cell.model_dump(mode="json") for cell in task.cells]
    best = backtests.pick_best(cells)
    document = {"id": task.optimization_id, "best": best, "trials": len(cells), "all": cells}
    wiring.result_store("optimizations").put(task.optimization_id, document)
    return {"id": task.optimization_id, "best": best, "trials": len(cells)}


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "action" in event:
        return _invoked_by_state_machine(event)
    return app.resolve(event, context)
