"""The events of the functions that are neither API routes nor pipeline states: schedule runs,
queue messages, optimisation tasks, WebSocket events and stream records parse with their models;
anything else is a BadRequest naming the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fks.backtest.tasks import OptimizationTask, PickBestTask, RunCellTask
from fks.errors import BadRequest
from fks.invocations import (
    ReconcileRun,
    ScheduledRun,
    ScheduledTraining,
    SignalGenerationRun,
    SnapshotRun,
    StreamBatch,
    WebSocketEvent,
    parse_event,
)

SCHEDULED = {
    "version": "0",
    "id": "a2b1f1c4-0000-0000-0000-000000000000",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-01-01T00:00:00Z",
    "region": "us-east-1",
    "resources": ["arn:aws:events:us-east-1:123456789012:rule/fks-SnapshotEvery15"],
    "detail": {},
}


def test_a_scheduled_event_and_an_empty_invoke_are_both_a_run() -> None:
    assert parse_event(ScheduledRun, SCHEDULED, "SyncOrders").detail_type == "Scheduled Event"
    assert parse_event(ScheduledRun, {}, "SyncOrders").source is None


def test_the_schedule_envelopes_account_is_not_the_trading_account() -> None:
    run = parse_event(SnapshotRun, SCHEDULED, "SnapshotPortfolio")

    assert (run.account, run.trading_account, run.exchange) == ("123456789012", "default", "binance")


def test_a_misspelt_option_is_refused_naming_it() -> None:
    with pytest.raises(BadRequest, match="rebaselin: Extra inputs are not permitted"):
        parse_event(ReconcileRun, {"rebaselin": True}, "Reconcile")


def test_reconcile_options_parse_as_decimals() -> None:
    run = parse_event(ReconcileRun, {"rebaseline": True, "tolerance": "0.01"}, "Reconcile")

    assert (run.rebaseline, run.tolerance) == (True, Decimal("0.01"))
    assert parse_event(ReconcileRun, SCHEDULED, "Reconcile").tolerance == Decimal("0.005")


def test_a_rebaseline_may_name_any_account_and_a_schedule_names_none() -> None:
    run = parse_event(ReconcileRun, {"rebaseline": True, "rebaseline_account": "kraken-main"}, "Reconcile")
    scheduled = parse_event(ReconcileRun, SCHEDULED, "Reconcile")

    assert (run.rebaseline, run.rebaseline_account) == (True, "kraken-main")
    assert (scheduled.rebaseline, scheduled.rebaseline_account) == (False, None)


@pytest.mark.parametrize(
    ("event", "named"),
    [
        ({"rebaseline_account": "kraken-main"}, "rebaseline true"),
        ({"rebaseline": True, "rebaseline_account": "kraken main"}, "rebaseline_account"),
    ],
)
def test_a_rebaseline_account_without_a_rebaseline_or_misspelt_is_refused(event: dict[str, object], named: str) -> None:
    with pytest.raises(BadRequest, match=named):
        parse_event(ReconcileRun, event, "Reconcile")


@pytest.mark.parametrize("tolerance", ["1e-2", "-0.1", "1", "NaN"])
def test_a_tolerance_that_is_no_fraction_is_refused(tolerance: str) -> None:
    with pytest.raises(BadRequest, match="tolerance"):
        parse_event(ReconcileRun, {"tolerance": tolerance}, "Reconcile")


def test_signal_generation_takes_collections_time() -> None:
    assert (
        parse_event(SignalGenerationRun, {"now_ms": 1_767_225_600_000}, "GenerateSignals").now_ms == 1_767_225_600_000
    )
    with pytest.raises(BadRequest, match="now_ms"):
        parse_event(SignalGenerationRun, {"now_ms": "soon"}, "GenerateSignals")


def test_scheduled_training_needs_its_constant_input() -> None:
    assert parse_event(ScheduledTraining, {"schedule": "train_enabled_assets"}, "training").schedule
    with pytest.raises(BadRequest, match="schedule"):
        parse_event(ScheduledTraining, {}, "training")


def test_optimisation_tasks_are_told_apart_by_action() -> None:
    cells = [{"params": {"fast": 5}, "score": 0.4, "metrics": {}}]

    task = parse_event(OptimizationTask, {"action": "pick_best", "optimization_id": "o1", "cells": cells}, "task").root

    assert isinstance(task, PickBestTask)
    assert task.cells[0].model_dump(mode="json") == cells[0]
    with pytest.raises(BadRequest, match="does not match any of the expected tags"):
        parse_event(OptimizationTask, {"action": "run"}, "task")
    with pytest.raises(BadRequest, match=r"cell\.request: Field required"):
        parse_event(OptimizationTask, {"action": "cell", "params": {}}, "task")
    assert RunCellTask.model_fields["request"].is_required()


def test_a_websocket_event_names_a_missing_connection_id() -> None:
    connect = {"requestContext": {"routeKey": "$connect", "connectionId": "c1", "authorizer": {"principalId": "p"}}}

    event = parse_event(WebSocketEvent, connect, "live feed")

    assert event.request_context.authorizer is not None
    assert event.request_context.authorizer.principal_id == "p"
    with pytest.raises(BadRequest, match=r"requestContext\.connectionId: Field required"):
        parse_event(WebSocketEvent, {"requestContext": {"routeKey": "$default"}}, "live feed")


def test_a_stream_record_with_an_unknown_event_name_is_refused() -> None:
    record = {"eventName": "UPSERT", "eventSourceARN": "arn:aws:dynamodb:r:1:table/T/stream/x", "dynamodb": {}}

    with pytest.raises(BadRequest, match=r"Records\.0\.eventName"):
        parse_event(StreamBatch, {"Records": [record]}, "record changes")
