"""What the optimisation state machine's Tasks hand BacktestsFunction
(infra/statemachines/optimization.asl.json), parsed with :func:`fks.invocations.parse_event`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from fks.backtest.requests import OptimizationRequest


class _Payload(BaseModel):
    # defer_build (every model here): validators are built on first use, not at import (cold starts).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class RunCellTask(_Payload):
    """RunCell: one grid cell of a fanned-out optimisation (the Map's ItemSelector)."""

    action: Literal["cell"]
    request: OptimizationRequest
    params: dict[str, Any]


class CellResult(BaseModel):
    """What RunCell answered for one cell: its parameters, its score (None: skipped) and metrics."""

    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)

    params: dict[str, Any]
    score: float | None = None


class PickBestTask(_Payload):
    """PickBest: every cell's result, in the grid's order."""

    action: Literal["pick_best"]
    optimization_id: str = Field(min_length=1, max_length=64)
    cells: list[CellResult]


class OptimizationTask(RootModel[Annotated[RunCellTask | PickBestTask, Field(discriminator="action")]]):
    """Either task, told apart by ``action``."""
