"""One sample event per function of template.yaml and per event source (schedule, queue, topic,
stream, API route), built from the pydantic models the handlers parse, for ``fks local invoke``
and ``sam local invoke -e``.

A function's ``events/<LogicalId>.json`` is the event its handler accepts on a fresh local stack
once the earlier samples ran (:func:`sample_order`); ``events/<LogicalId>.<EventName>.json`` is the
event of each other source the template gives it. A function or route with no sample here makes
:func:`build_samples` fail, naming it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from fks.accounts import AccountSettings
from fks.ai.requests import NoteRequest, ScheduledIndexBuild, SearchRequest
from fks.backtest.requests import BacktestRequest, OptimizationRequest
from fks.backtest.tasks import OptimizationTask, PickBestTask, RunCellTask
from fks.chat_updates import TelegramUpdate
from fks.execution import ExecutionReport, OrderCommand
from fks.invocations import (
    ReconcileRun,
    ScheduledRun,
    ScheduledTraining,
    SignalGenerationRun,
    SnapshotRun,
    StreamBatch,
    WebSocketEvent,
)
from fks.market_data.commands import BackfillRequest, DisableAsset, EnableAsset
from fks.market_data.compaction import CompactionRun
from fks.ninja.reports import NinjaFillReport, NinjaOrderStateReport, NinjaPositionReport, NinjaRefusalReport
from fks.pipeline.outcomes import SignalStatus
from fks.pipeline.task_inputs import (
    ApprovalRequestInput,
    NotifyInput,
    PipelineOutcome,
    RecordOutcomeInput,
    RiskCheckInput,
    UpdatePortfolioInput,
)
from fks.portfolio.requests import AllocationsUpdate, RebalanceRequest
from fks.signals import ApprovalMode, Signal
from fks.strategies.configs import StrategyConfig, StrategyUpdate
from fks_cli import event_shapes as shapes
from fks_local.template import load

DAY_MS = 86_400_000
SIGNAL_ID = "sig-sample-0001"
ORDER_ID = "sample-order-0001"
STRATEGY_ID = "sample-sma-btc"
# The account ExecuteOrderFunction trades (its FKS_ACCOUNT in template.yaml).
ACCOUNT = "binance-spot"
BACKFILL_START_MS = shapes.SAMPLE_TIME_MS - DAY_MS
# Two days of 1m candles: enough bars for the models' training (it needs 1144).
HISTORY_DAYS = 2
RESTING_ORDER_ID = "sample-order-0002"
# PUT /settings/{name} of the value a fresh stack holds (portfolio limits all at their defaults),
# from its first version: applied as a repeat, so it changes nothing.
SETTING_EDIT = {"value": {}, "version": 1}
SAMPLE_ACCOUNT = "sample-paper"


@dataclass(frozen=True)
class SampleEvent:
    function: str  # logical id in template.yaml
    source: str | None  # the template event's name; None for a function's default event
    event: dict[str, Any]
    model: type[BaseModel] | None = None  # the model the event's payload parses with
    payload: Callable[[dict[str, Any]], Any] = lambda event: event  # the part the model parses
    refusal: int | None = None  # the 4xx an API sample shows on purpose; None: it succeeds

    @property
    def file_name(self) -> str:
        return f"{self.function}.json" if self.source is None else f"{self.function}.{self.source}.json"

    def validate(self) -> None:
        """Raises pydantic's ValidationError when the event no longer fits its model."""
        if self.model is not None:
            self.model.model_validate(self.payload(self.event))

    def text(self) -> str:
        return json.dumps(self.event, indent=2, sort_keys=False) + "\n"


def _body(event: dict[str, Any]) -> Any:
    return json.loads(event["body"])


def _dump(model: BaseModel) -> str:
    return model.model_dump_json(exclude_none=True, by_alias=True)


# ---- the domain payloads, each made through its model ---------------------------------------

SIGNAL = Signal(
    signal_id=SIGNAL_ID,
    strategy_id=STRATEGY_ID,
    exchange="binance",
    symbol="BTC/USDT",
    side="buy",  # type: ignore[arg-type]
    quantity="0.001",  # type: ignore[arg-type]
    timeframe="1m",
    bar_time=shapes.SAMPLE_TIME_MS,
    account=ACCOUNT,
)
# Signals a person decides on: their pipelines wait for POST /signals/{id}/approve or /reject.
MANUAL_SIGNAL = SIGNAL.model_copy(update={"mode": ApprovalMode.MANUAL})
APPROVED_ID, REJECTED_ID = "sig-sample-0002", "sig-sample-0003"
ORDER = OrderCommand(
    client_order_id=ORDER_ID,
    signal_id=SIGNAL_ID,
    account=ACCOUNT,
    symbol="BTCUSDT",
    side="buy",
    type="market",
    quantity="0.001",  # type: ignore[arg-type]
)
# A limit buy far below the market: it rests on the book until GET and DELETE /orders/{id} find it.
RESTING_ORDER = ORDER.model_copy(
    update={"client_order_id": RESTING_ORDER_ID, "signal_id": None, "type": "limit", "price": Decimal("20000.00")}
)
STRATEGY = StrategyConfig.model_validate(
    {
        "strategy_id": STRATEGY_ID,
        "strategy": "sma_cross",
        "exchange": "binance",
        "symbol": "BTC/USDT",
        "timeframe": "1m",
        "quantity": "0.001",
        "mode": "manual",
    }
)
BACKFILL = BackfillRequest(
    exchange="binance", symbol="BTC/USDT", start_ms=BACKFILL_START_MS, end_ms=shapes.SAMPLE_TIME_MS, reason="sample"
)
BACKTEST = BacktestRequest.model_validate(
    {
        "exchange": "binance",
        "symbol": "BTC/USDT",
        "timeframe": "1m",
        "start_ms": BACKFILL_START_MS,
        "end_ms": shapes.SAMPLE_TIME_MS,
        "strategy": "sma_cross",
        "params": {},
    }
)
SIGNAL_STATE = SIGNAL.model_dump(mode="json", exclude_none=True)
# The engine's report as ExecuteOrder answers it: every field, checked by the Rust contract's model.
EXECUTION_REPORT = ExecutionReport.model_validate(
    {
        "client_order_id": ORDER_ID,
        "signal_id": SIGNAL_ID,
        "account": ACCOUNT,
        "symbol": "BTCUSDT",
        "unified_symbol": "BTC/USDT",
        "side": "buy",
        "type": "market",
        "status": "filled",
        "quantity": "0.001",
        "filled_qty": "0.001",
        "leaves_qty": "0",
        "avg_fill_price": "42000.00",
        "fees": "0",
        "fills": [
            {
                "trade_id": "sample-trade-1",
                "client_order_id": ORDER_ID,
                "symbol": "BTCUSDT",
                "side": "buy",
                "quantity": "0.001",
                "price": "42000.00",
                "fee": "0",
                "ts_ms": shapes.SAMPLE_TIME_MS,
            }
        ],
        "venue_order_id": "sample-venue-order-1",
        "reason": None,
        "duplicate": False,
        "position": None,
        "ts_ms": shapes.SAMPLE_TIME_MS,
        "exits": [],
    }
)
ALARM = {
    "AlarmName": "fks-local-ExecutionErrors",
    "AlarmDescription": "Orders failing at the exchange",
    "NewStateValue": "ALARM",
    "NewStateReason": "Threshold Crossed: 1 datapoint [3.0] was greater than the threshold (2.0).",
    "StateChangeTime": "2026-01-01T00:00:00.000+0000",
    "Region": "US East (N. Virginia)",
    "OldStateValue": "OK",
}
NINJA_FILL = NinjaFillReport.model_validate(
    {
        "order_id": "fks0123456789-sig-sample-0001",
        "signal_id": SIGNAL_ID,
        "account": "PROP-SAMPLE-1",
        "instrument": "ES 03-26",
        "action": "BUY",
        "quantity": 1,
        "price": "5000.25",
        "cumulative_filled": 1,
    }
)
NINJA_ORDER_STATE = NinjaOrderStateReport.model_validate(
    {
        "order_id": NINJA_FILL.order_id,
        "signal_id": SIGNAL_ID,
        "state": "ACCEPTED",
        "filled": 0,
        "average_fill_price": "0",
    }
)
NINJA_POSITION = NinjaPositionReport.model_validate(
    {
        "instrument": "ES 03-26",
        "account": "PROP-SAMPLE-1",
        "position": "LONG",
        "quantity": 1,
        "average_entry_price": "5000.25",
    }
)
NINJA_REFUSAL = NinjaRefusalReport.model_validate(
    {"signal_id": "sig-sample-refused", "reason": "max_contracts 2 exceeded", "rule": "max_contracts"}
)


def _post(resource: str, body: BaseModel | dict[str, Any] | None, **kwargs: Any) -> dict[str, Any]:
    text = _dump(body) if isinstance(body, BaseModel) else (json.dumps(body) if body is not None else None)
    return shapes.api_event(resource, "POST", body=text, **kwargs)


def _api(
    function: str,
    source: str | None,
    event: dict[str, Any],
    model: type[BaseModel] | None = None,
    refusal: int | None = None,
) -> SampleEvent:
    return SampleEvent(function, source, event, model, _body if model is not None else lambda e: e, refusal)


def _route_samples() -> list[SampleEvent]:
    strategy = {"strategy_id": STRATEGY_ID}
    ninja_key = {"Idempotency-Key": "sample-report-0001"}
    return [
        _api("MonitorFunction", "Health", shapes.api_event("/health", "GET", authorized=False)),
        _api("AssetsFunction", "ListAssets", shapes.api_event("/assets", "GET")),
        # BTC/USDT, which the default sample enabled: disabled, then enabled again as it was (the
        # simulator's other markets are other tests' own series).
        _api(
            "AssetsFunction",
            "DisableAsset",
            _post("/assets/disable", DisableAsset(exchange="binance", symbol="BTC/USDT")),
            DisableAsset,
        ),
        _api(
            "AssetsFunction",
            "EnableAsset",
            _post("/assets/enable", EnableAsset(exchange="binance", symbol="BTC/USDT", history_days=HISTORY_DAYS)),
            EnableAsset,
        ),
        _api(
            "MarketDataFunction",
            "LatestCandles",
            shapes.api_event("/market-data/{symbol}", "GET", {"symbol": "BTC-USDT"}, query="limit=5"),
        ),
        _api(
            "MarketDataFunction",
            "HistoricalCandles",
            shapes.api_event(
                "/historical/{symbol}",
                "GET",
                {"symbol": "BTC-USDT"},
                query=f"start={BACKFILL_START_MS}&end={BACKFILL_START_MS + 3_600_000}&limit=20",
            ),
        ),
        _api(
            "ModelsFunction",
            "TrainModels",
            _post(
                "/models/{asset}/train",
                {"timeframe": "1m", "days": HISTORY_DAYS},
                path_parameters={"asset": "BTC-USDT"},
            ),
        ),
        _api(
            "AiFunction",
            "AddNote",
            _post("/ai/notes", NoteRequest(text="Funding turned negative before the drop", symbol="BTC/USDT")),
            NoteRequest,
        ),
        _api("AiFunction", "Search", _post("/ai/search", SearchRequest(text="a drop after funding")), SearchRequest),
        _api(
            "ModelsFunction", "LatestRegime", shapes.api_event("/models/{asset}/regime", "GET", {"asset": "BTC-USDT"})
        ),
        _api(
            "ModelsFunction",
            "LatestForecast",
            shapes.api_event("/models/{asset}/forecast", "GET", {"asset": "BTC-USDT"}),
        ),
        _api(
            "TelegramWebhookFunction",
            "TelegramWebhook",
            _post(
                "/telegram/webhook",
                TelegramUpdate.model_validate(
                    {
                        "update_id": 100001,
                        "message": {
                            "message_id": 1,
                            "date": shapes.SAMPLE_TIME_MS // 1000,
                            "chat": {"id": 123456789, "type": "private"},
                            "from": {"id": 123456789, "is_bot": False, "first_name": "Sample"},
                            "text": "/status",
                        },
                    }
                ),
                headers={"X-Telegram-Bot-Api-Secret-Token": "<the webhook secret>"},
                authorized=False,
            ),
            TelegramUpdate,
        ),
        _api("StrategiesFunction", "ListStrategyTypes", shapes.api_event("/strategy-types", "GET")),
        _api("StrategiesFunction", "ListStrategies", shapes.api_event("/strategies", "GET")),
        _api("StrategiesFunction", "CreateStrategy", _post("/strategies", STRATEGY), StrategyConfig),
        _api("StrategiesFunction", "GetStrategy", shapes.api_event("/strategies/{strategy_id}", "GET", strategy)),
        _api(
            "StrategiesFunction",
            "UpdateStrategy",
            shapes.api_event(
                "/strategies/{strategy_id}",
                "PUT",
                strategy,
                body=_dump(StrategyUpdate.model_validate({"quantity": "0.002"})),
            ),
            StrategyUpdate,
        ),
        _api(
            "StrategiesFunction",
            "ActivateStrategy",
            shapes.api_event("/strategies/{strategy_id}/activate", "POST", strategy),
        ),
        _api(
            "StrategiesFunction",
            "DeactivateStrategy",
            shapes.api_event("/strategies/{strategy_id}/deactivate", "POST", strategy),
        ),
        _api("StrategiesFunction", "DeleteStrategy", shapes.api_event("/strategies/{strategy_id}", "DELETE", strategy)),
        _api("BacktestsFunction", "RunBacktest", _post("/backtests", BACKTEST), BacktestRequest),
        _api("BacktestsFunction", "ListBacktests", shapes.api_event("/backtests", "GET")),
        _api(
            "BacktestsFunction",
            "GetBacktest",
            shapes.api_event("/backtests/{backtest_id}", "GET", {"backtest_id": "bt-sample-0001"}),
            refusal=404,  # POST /backtests answers the id of the run it made; this one was never made
        ),
        _api(
            "BacktestsFunction",
            "RunOptimization",
            _post(
                "/optimizations",
                {**BACKTEST.model_dump(mode="json", exclude={"params", "config"}), "space": {"fast": [5, 10]}},
            ),
        ),
        _api(
            "BacktestsFunction",
            "GetOptimization",
            shapes.api_event("/optimizations/{optimization_id}", "GET", {"optimization_id": "opt-sample-0001"}),
            refusal=404,  # as GetBacktest: an optimisation id nobody started
        ),
        _api("BacktestsFunction", "ListOptimizations", shapes.api_event("/optimizations", "GET", query="limit=5")),
        _api("AccountsFunction", "ListAccounts", shapes.api_event("/accounts", "GET")),
        # A paper account, disabled: it shows the shape and places nothing.
        _api(
            "AccountsFunction",
            "PutAccount",
            shapes.api_event(
                "/accounts/{account}",
                "PUT",
                {"account": SAMPLE_ACCOUNT},
                body=_dump(AccountSettings.model_validate({"venue": "binance", "mode": "paper", "enabled": False})),
            ),
            AccountSettings,
        ),
        _api(
            "AccountsFunction",
            "GetAccount",
            shapes.api_event("/accounts/{account}", "GET", {"account": SAMPLE_ACCOUNT}),
        ),
        _api("SettingsApiFunction", "ListSettings", shapes.api_event("/settings", "GET")),
        _api(
            "SettingsApiFunction",
            "GetSetting",
            shapes.api_event("/settings/{name}", "GET", {"name": "portfolio_limits"}),
        ),
        _api(
            "SettingsApiFunction",
            "PutSetting",
            shapes.api_event(
                "/settings/{name}",
                "PUT",
                {"name": "portfolio_limits"},
                body=json.dumps(SETTING_EDIT),
            ),
        ),
        _api(
            "SettingsApiFunction",
            "SettingsHistory",
            shapes.api_event("/settings/history", "GET", query="name=portfolio_limits&limit=5"),
        ),
        _api("ExecutionApiFunction", "PlaceOrder", _post("/orders", RESTING_ORDER), OrderCommand),
        _api("ExecutionApiFunction", "ListOrders", shapes.api_event("/orders", "GET", query="status=open")),
        _api("ExecutionApiFunction", "GetOrder", shapes.api_event("/orders/{id}", "GET", {"id": RESTING_ORDER_ID})),
        _api(
            "ExecutionApiFunction", "CancelOrder", shapes.api_event("/orders/{id}", "DELETE", {"id": RESTING_ORDER_ID})
        ),
        _api("ExecutionApiFunction", "ListPositions", shapes.api_event("/positions", "GET")),
        _api(
            "ExecutionApiFunction", "GetPosition", shapes.api_event("/positions/{symbol}", "GET", {"symbol": "BTCUSDT"})
        ),
        _api("ExecutionApiFunction", "HaltTrading", _post("/risk/halt", {"reason": "sample: manual halt"})),
        _api("ExecutionApiFunction", "ResumeTrading", _post("/risk/resume", None)),
        _api("SignalsApiFunction", "ListSignals", shapes.api_event("/signals", "GET", query="limit=10")),
        _api(
            "SignalsApiFunction", "GetSignal", shapes.api_event("/signals/{signal_id}", "GET", {"signal_id": SIGNAL_ID})
        ),
        _api(
            "SignalsApiFunction",
            "ApproveSignal",
            _post("/signals/{signal_id}/approve", {"note": "looks right"}, path_parameters={"signal_id": APPROVED_ID}),
        ),
        _api(
            "SignalsApiFunction",
            "RejectSignal",
            _post("/signals/{signal_id}/reject", {"reason": "too late"}, path_parameters={"signal_id": REJECTED_ID}),
        ),
        _api("PortfolioApiFunction", "GetPortfolio", shapes.api_event("/portfolio", "GET")),
        _api("PortfolioApiFunction", "PortfolioHistory", shapes.api_event("/portfolio/history", "GET")),
        _api(
            "PortfolioApiFunction",
            "SetAllocations",
            shapes.api_event(
                "/portfolio/allocations",
                "PUT",
                body=_dump(AllocationsUpdate.model_validate({"allocations": {STRATEGY_ID: "0.5"}})),
            ),
            AllocationsUpdate,
        ),
        _api(
            "PortfolioApiFunction",
            "Rebalance",
            _post(
                "/portfolio/rebalance",
                RebalanceRequest.model_validate({"targets": {"BTC/USDT": "0.5"}, "dry_run": True}),
            ),
            RebalanceRequest,
        ),
        _api("WebFunction", "WebShell", shapes.api_event("/web", "GET", authorized=False)),
        _api(
            "WebFunction",
            "WebFiles",
            shapes.api_event("/web/{proxy+}", "GET", {"proxy": "js/main.js"}, authorized=False),
        ),
        _api("OpenApiFunction", "OpenApiDocument", shapes.api_event("/openapi.json", "GET", authorized=False)),
        _api(
            "NinjaReportsFunction", "NinjaFills", _post("/ninja/fills", NINJA_FILL, headers=ninja_key), NinjaFillReport
        ),
        _api(
            "NinjaReportsFunction",
            "NinjaOrders",
            _post("/ninja/orders", NINJA_ORDER_STATE, headers=ninja_key),
            NinjaOrderStateReport,
        ),
        _api(
            "NinjaReportsFunction",
            "NinjaPositions",
            _post("/ninja/positions", NINJA_POSITION, headers=ninja_key),
            NinjaPositionReport,
        ),
        _api(
            "NinjaReportsFunction",
            "NinjaRefusals",
            _post("/ninja/refusals", NINJA_REFUSAL, headers=ninja_key),
            NinjaRefusalReport,
        ),
        _api(
            "NinjaReportsFunction",
            "NinjaOrder",
            shapes.api_event("/ninja/orders/{id}", "GET", {"id": NINJA_FILL.order_id}),
        ),
        _api(
            "NinjaReportsFunction",
            "NinjaPositionsList",
            shapes.api_event("/ninja/positions", "GET", query="account=PROP-SAMPLE-1"),
        ),
    ]


def _stream_samples() -> list[SampleEvent]:
    signal_keys = {"signal_id": {"S": SIGNAL_ID}, "record": {"S": "status"}}
    signal_image = {**signal_keys, "status": {"S": "validated"}, "updated_ms": {"N": str(shapes.SAMPLE_TIME_MS)}}
    order_keys = {"client_order_id": {"S": ORDER_ID}}
    order_image = {**order_keys, "account": {"S": ACCOUNT}, "symbol": {"S": "BTCUSDT"}, "status": {"S": "filled"}}
    account_keys = {"account": {"S": ACCOUNT}}
    first_record = {"pk": {"S": f"SIGNAL#{SIGNAL_ID}"}, "sk": {"S": "STATUS"}}
    first_image = {**first_record, "status": {"S": "validated"}, "signal": {"S": json.dumps(SIGNAL_STATE)}}
    return [
        SampleEvent(
            "AiFunction",
            "NewSignals",
            shapes.dynamodb_stream_event("SignalsTable", "INSERT", first_record, first_image, None),
            StreamBatch,
        ),
        SampleEvent(
            "LiveUpdatesFunction",
            "SignalChanges",
            shapes.dynamodb_stream_event("SignalsTable", "MODIFY", signal_keys, signal_image, None),
            StreamBatch,
        ),
        SampleEvent(
            "LiveUpdatesFunction",
            "OrderChanges",
            shapes.dynamodb_stream_event("OrdersTable", "INSERT", order_keys, order_image, None),
            StreamBatch,
        ),
        SampleEvent(
            "LiveUpdatesFunction",
            "PortfolioChanges",
            shapes.dynamodb_stream_event(
                "PortfolioTable", "MODIFY", account_keys, {**account_keys, "cash": {"N": "9958"}}, None
            ),
            StreamBatch,
        ),
        SampleEvent(
            "LiveUpdatesFunction",
            "TradingStateChanges",
            shapes.dynamodb_stream_event(
                "RiskStateTable", "MODIFY", account_keys, {**account_keys, "halted": {"BOOL": False}}, None
            ),
            StreamBatch,
        ),
    ]


# The model each scheduled function parses its event with (fks.invocations): the envelope of a
# schedule rule, or the rule's constant Input.
SCHEDULE_MODELS: dict[str, type[BaseModel]] = {
    "MonitorFunction": ScheduledRun,
    "CollectOhlcvFunction": ScheduledRun,
    "GapScanFunction": ScheduledRun,
    "CompactCandlesFunction": CompactionRun,
    "SyncOrdersFunction": ScheduledRun,
    "SnapshotPortfolioFunction": SnapshotRun,
    "GenerateSignalsFunction": SignalGenerationRun,
    "ReconcileFunction": ReconcileRun,
    "ModelsFunction": ScheduledTraining,
    "AiFunction": ScheduledIndexBuild,
}


def _schedule_model(function: str) -> type[BaseModel]:
    model = SCHEDULE_MODELS.get(function)
    if model is None:
        raise MissingSample(f"{function} has a schedule but no model in SCHEDULE_MODELS ({Path(__file__).name})")
    return model


def _state(function: str, task: BaseModel) -> SampleEvent:
    """A signal-pipeline state's input, built with the model its function parses (as the state
    machine sends it: nulls included)."""
    return SampleEvent(function, None, task.model_dump(mode="json"), type(task))


def _scheduled(template: dict[str, Any], function: str, rule: str) -> dict[str, Any]:
    """What a schedule rule hands its target: the rule's constant ``Input`` when the template
    gives one (EventBridge then sends that instead of the scheduled event), else the event."""
    source = _functions(template)[function]["Properties"]["Events"][rule]
    constant = (source.get("Properties") or {}).get("Input")
    if constant is not None:
        event: dict[str, Any] = json.loads(constant)
        return event
    return shapes.schedule_event(function, rule)


def _default_samples(template: dict[str, Any]) -> list[SampleEvent]:
    """Each function's own event, in the order a session on a fresh stack can run them."""

    def scheduled(function: str, rule: str) -> SampleEvent:
        return SampleEvent(function, None, _scheduled(template, function, rule), _schedule_model(function))

    return [
        SampleEvent(
            "AuthorizerFunction",
            None,
            shapes.authorizer_request("/strategies", "GET", {"Authorization": "Bearer <a key from `fks keys create`>"}),
        ),
        scheduled("MonitorFunction", "EveryFiveMinutes"),
        SampleEvent("BackfillFunction", None, BACKFILL.model_dump(mode="json", exclude_none=True), BackfillRequest),
        _api(
            "AssetsFunction",
            None,
            _post("/assets/enable", EnableAsset(exchange="binance", symbol="BTC/USDT", history_days=HISTORY_DAYS)),
            EnableAsset,
        ),
        scheduled("CollectOhlcvFunction", "EveryMinute"),
        scheduled("GapScanFunction", "EveryFifteenMinutes"),
        scheduled("CompactCandlesFunction", "EveryFifteenMinutes"),
        _api(
            "MarketDataFunction",
            None,
            shapes.api_event(
                "/historical/{symbol}",
                "GET",
                {"symbol": "BTC-USDT"},
                query=f"start={BACKFILL_START_MS}&end={BACKFILL_START_MS + 3_600_000}&limit=20",
            ),
        ),
        _api("StrategiesFunction", None, shapes.api_event("/strategies", "GET")),
        _api("BacktestsFunction", None, _post("/backtests", BACKTEST), BacktestRequest),
        scheduled("ModelsFunction", "DailyTraining"),
        scheduled("AiFunction", "IndexBuild"),
        scheduled("GenerateSignalsFunction", "EveryMinute"),
        SampleEvent("ValidateSignalFunction", None, SIGNAL_STATE, Signal),
        _state("RiskCheckFunction", RiskCheckInput(signal_id=SIGNAL_ID, signal=SIGNAL)),
        SampleEvent(
            "RequestApprovalFunction",
            None,
            {
                **ApprovalRequestInput(
                    signal_id=SIGNAL_ID,
                    task_token="AQCEAAAAKgAAAAMAAAAAAAAAAW2sample+task+token",  # noqa: S106 - a sample, not a secret
                    signal=SIGNAL,
                    order=ORDER,
                    approval_window_s=900,
                ).model_dump(mode="json"),
                # As RiskCheck answers it ($.risk.order): the engine's command, without its nulls.
                "order": ORDER.model_dump(mode="json", exclude_none=True),
            },
            ApprovalRequestInput,
        ),
        SampleEvent("ExecuteOrderFunction", None, ORDER.model_dump(mode="json", exclude_none=True), OrderCommand),
        _state(
            "UpdatePortfolioFunction",
            UpdatePortfolioInput(signal_id=SIGNAL_ID, signal=SIGNAL, report=EXECUTION_REPORT),
        ),
        _state(
            "RecordOutcomeFunction",
            RecordOutcomeInput(
                signal_id=SIGNAL_ID,
                execution_arn=f"arn:aws:states:{shapes.REGION}:{shapes.ACCOUNT_ID}:execution:"
                f"fks-signal-to-execution-dev:{SIGNAL_ID}",
                outcome=PipelineOutcome(status=SignalStatus.FILLED),
            ),
        ),
        _state("NotifyFunction", NotifyInput(signal_id=SIGNAL_ID, status="filled", reason=None)),
        _api("SignalsApiFunction", None, shapes.api_event("/signals/{signal_id}", "GET", {"signal_id": SIGNAL_ID})),
        _api("ExecutionApiFunction", None, shapes.api_event("/orders/{id}", "GET", {"id": ORDER_ID})),
        _api("PortfolioApiFunction", None, shapes.api_event("/portfolio", "GET")),
        _api("SettingsApiFunction", None, shapes.api_event("/settings", "GET")),
        _api("AccountsFunction", None, shapes.api_event("/accounts", "GET")),
        scheduled("SnapshotPortfolioFunction", "EveryFifteenMinutes"),
        scheduled("SyncOrdersFunction", "EveryMinute"),
        scheduled("ReconcileFunction", "EveryFiveMinutes"),
        SampleEvent(
            "TelegramAlertsFunction",
            None,
            shapes.sns_event(
                "AlarmTopic", 'ALARM: "fks-local-ExecutionErrors" in US East (N. Virginia)', json.dumps(ALARM)
            ),
        ),
        _api(
            "TelegramWebhookFunction",
            None,
            _post(
                "/telegram/webhook",
                TelegramUpdate.model_validate({"update_id": 100000}),
                headers={"X-Telegram-Bot-Api-Secret-Token": "<the webhook secret>"},
                authorized=False,
            ),
            TelegramUpdate,
        ),
        SampleEvent("LiveFeedFunction", None, shapes.websocket_connect("token"), WebSocketEvent),
        SampleEvent(
            "LiveUpdatesFunction",
            None,
            shapes.dynamodb_stream_event(
                "RiskStateTable",
                "MODIFY",
                {"account": {"S": ACCOUNT}},
                {"account": {"S": ACCOUNT}, "halted": {"BOOL": False}},
                None,
            ),
            StreamBatch,
        ),
        _api("WebFunction", None, shapes.api_event("/web", "GET", authorized=False)),
        _api("OpenApiFunction", None, shapes.api_event("/openapi.json", "GET", authorized=False)),
        _api("NinjaReportsFunction", None, shapes.api_event("/ninja/positions", "GET", query="account=PROP-SAMPLE-1")),
    ]


OPTIMIZATION = OptimizationRequest.model_validate(
    {
        **BACKTEST.model_dump(mode="json", exclude={"params", "config"}),
        "space": {"fast": [5, 10], "slow": [20, 30]},
    }
)


def _optimization_samples() -> list[SampleEvent]:
    """The optimisation state machine's two Tasks (infra/statemachines/optimization.asl.json):
    RunCell gets one grid cell (the Map's ItemSelector), PickBest the cells' results."""
    cells = [
        {"params": {"fast": 5, "slow": 20}, "score": 0.42},
        {"params": {"fast": 10, "slow": 30}, "score": 0.57},
        {"params": {"fast": 5, "slow": 30}, "score": None, "skipped": "no trade in the range"},
    ]
    return [
        SampleEvent(
            "BacktestsFunction",
            "RunCell",
            RunCellTask(action="cell", request=OPTIMIZATION, params={"fast": 5, "slow": 20}).model_dump(mode="json"),
            OptimizationTask,
        ),
        SampleEvent(
            "BacktestsFunction",
            "PickBest",
            PickBestTask.model_validate(
                {"action": "pick_best", "optimization_id": "opt-sample-0001", "cells": cells}
            ).model_dump(mode="json"),
            OptimizationTask,
        ),
    ]


def _other_samples() -> list[SampleEvent]:
    """Event sources with no template event: a WebSocket's other routes, the SNS topic's second
    subscription, a Step Functions task's second use."""
    return [
        *_optimization_samples(),
        SampleEvent(
            "LiveFeedFunction",
            "Unsubscribe",
            shapes.websocket_message({"action": "unsubscribe", "symbol": "BTC/USDT", "timeframe": "1m"}),
            WebSocketEvent,
        ),
        SampleEvent("LiveFeedFunction", "Disconnect", shapes.websocket_disconnect(), WebSocketEvent),
        SampleEvent(
            "TelegramAlertsFunction",
            "SignalNotices",
            shapes.sns_event(
                "SignalNoticesTopic", "Signal sig-sample-0001 filled", "buy 0.001 BTC/USDT filled at 42000.00"
            ),
        ),
        SampleEvent("TelegramAlertsFunction", "Alarms", shapes.sns_event("AlarmTopic", None, json.dumps(ALARM))),
    ]


def _schedule_samples(template: dict[str, Any]) -> list[SampleEvent]:
    samples = []
    for function, resource in _functions(template).items():
        for name, source in (resource["Properties"].get("Events") or {}).items():
            if source.get("Type") == "Schedule":
                samples.append(
                    SampleEvent(function, name, _scheduled(template, function, name), _schedule_model(function))
                )
    return samples


def _functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource.get("Type") == "AWS::Serverless::Function"
    }


class MissingSample(Exception):
    """A function or one of its event sources has no sample event."""


def build_samples(template_path: Path) -> list[SampleEvent]:
    """Every sample, the defaults first in :func:`sample_order`; fails naming what has none."""
    template = load(template_path)
    functions = _functions(template)
    samples = _default_samples(template) + _route_samples() + _schedule_samples(template)
    samples += _stream_samples() + _other_samples()
    samples = [s for s in samples if s.function in functions]  # a function removed from the template
    have = {(s.function, s.source) for s in samples}
    missing = [f"{name} (its own event)" for name in functions if (name, None) not in have]
    for name, resource in functions.items():
        for source in resource["Properties"].get("Events") or {}:
            if (name, source) not in have:
                missing.append(f"{name}.{source}")
    if missing:
        raise MissingSample(f"no sample event for: {', '.join(missing)} (add it in {Path(__file__).name})")
    return samples


def sample_order(template_path: Path) -> list[str]:
    """The functions in the order their own samples can run on a fresh local stack."""
    template = load(template_path)
    return [s.function for s in _default_samples(template) if s.function in _functions(template)]
