"""Strategies, backtests, the Map-state optimisation and the signal generator on the local stack."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest

from fks.backtest.optimize import grid_search
from fks.backtest.requests import OptimizationRequest
from fks.market_data.storage import SeriesKey
from fks.strategies import get_strategy
from fks.strategies.configs import StrategyConfig
from fks.strategies.live import evaluate
from fks_adapters.strategies.backtests import load_candles
from functions.backtests.app import optimization_input
from tests.integration.market_data_helpers import invoke, store, store_sample_candles
from tests.stack_handle import StackHandle

# awswrangler (the candle store's reads) uses the default boto3 session: every test here needs aws_env.
pytestmark = [pytest.mark.moto_only, pytest.mark.usefixtures("aws_env")]

START, END = 1_735_689_600_000, 1_740_787_200_000  # 2025-01-01 .. 2025-03-01 UTC
ETH_1H = SeriesKey.of("binance", "ETH/USDT", "1h")
BACKTESTS, STRATEGIES = "BacktestsFunction", "StrategiesFunction"
RANGE = {"exchange": "binance", "symbol": "ETH/USDT", "timeframe": "1h", "start_ms": START, "end_ms": END}


@pytest.fixture(scope="module")
def stored(local_stack: StackHandle) -> StackHandle:
    store_sample_candles(local_stack, ETH_1H, "ETHUSDT", START, END - 1)
    return local_stack


def _api(stack: StackHandle, function: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """A request through the local API gateway with an admin key (``function`` names the handler
    the route reaches, for the reader)."""
    return stack.api(method, path, scope="admin", json=body)


def test_optimization_through_map_state_returns_the_best_cell_of_a_local_grid(stored: StackHandle) -> None:
    request = OptimizationRequest(**RANGE, strategy="sma_cross", space={"fast": [5, 10, 15], "slow": [20, 40]})
    optimization_id = uuid.uuid4().hex
    sfn = stored.clients("stepfunctions")

    execution = sfn.start_execution(
        stateMachineArn=stored.output("OptimizationStateMachineArn"),
        name=optimization_id,
        input=json.dumps(optimization_input(request, optimization_id)),
    )
    finished = stored.wait_for_execution(execution["executionArn"], timeout_s=240)

    assert finished["status"] == "SUCCEEDED", finished
    output = json.loads(finished["output"])
    candles = load_candles(store(stored), request)
    local_best, local_metrics = grid_search(candles, get_strategy("sma_cross"), request.space).best
    assert output["best"]["params"] == local_best
    assert output["best"]["metrics"]["final_equity"] == str(local_metrics.final_equity)
    assert output["trials"] == 6
    saved = _api(stored, BACKTESTS, "GET", f"/optimizations/{optimization_id}").json()
    assert saved["best"]["params"] == local_best


def test_post_backtest_returns_metrics_and_get_returns_the_stored_result(stored: StackHandle) -> None:
    body = {**RANGE, "strategy": "ema_cross", "params": {"fast": 8}}

    created = _api(stored, BACKTESTS, "POST", "/backtests", body)

    assert created.status_code == 201, created.text
    result = created.json()
    assert result["params"] == {"fast": 8, "slow": 26}
    fetched = _api(stored, BACKTESTS, "GET", f"/backtests/{result['id']}").json()
    assert fetched["metrics"] == result["metrics"]
    s3 = stored.clients("s3")
    png = s3.get_object(Bucket=stored.output("DataBucketName"), Key=result["plots"]["equity"])["Body"].read()
    assert png.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"params": {"fats": 3}}, "unknown parameter 'fats'"),
        ({"params": {"fast": 1}}, "parameter fast must be >= 2"),
        ({"strategy": "nope"}, "unknown strategy 'nope'"),
        ({"start_ms": END, "end_ms": START}, "is not before end_ms"),
        ({"start_ms": END, "end_ms": END + 3_600_000 * 5}, "needs at least"),
    ],
)
def test_post_backtest_with_bad_input_is_400_naming_it(stored: StackHandle, change: dict[str, Any], named: str) -> None:
    body = {**RANGE, "strategy": "sma_cross", **change}

    response = _api(stored, BACKTESTS, "POST", "/backtests", body)

    assert response.status_code == 400
    assert named in response.text


def test_get_unknown_backtest_is_404(stored: StackHandle) -> None:
    response = _api(stored, BACKTESTS, "GET", f"/backtests/{uuid.uuid4().hex}")

    assert response.status_code == 404


def test_strategy_crud_validates_parameters_and_toggles_activation(stored: StackHandle) -> None:
    api = "/strategies"
    strategy_id = f"crud-{uuid.uuid4().hex[:8]}"
    body = {"strategy_id": strategy_id, "strategy": "rsi_reversion", "symbol": "ETH/USDT", "mode": "manual"}

    created = _api(stored, STRATEGIES, "POST", api, body)
    duplicate = _api(stored, STRATEGIES, "POST", api, body)
    bad = _api(stored, STRATEGIES, "PUT", f"{api}/{strategy_id}", {"params": {"window": -1}})
    updated = _api(stored, STRATEGIES, "PUT", f"{api}/{strategy_id}", {"quantity": "0.5"})
    activated = _api(stored, STRATEGIES, "POST", f"{api}/{strategy_id}/activate")
    deleted = _api(stored, STRATEGIES, "DELETE", f"{api}/{strategy_id}")
    missing = _api(stored, STRATEGIES, "GET", f"{api}/{strategy_id}")

    assert created.status_code == 201, created.text
    assert created.json()["strategy"]["params"] == get_strategy("rsi_reversion").validate_params({})
    assert duplicate.status_code == 409
    assert bad.status_code == 400
    assert "window" in bad.text
    assert updated.json()["strategy"]["quantity"] == "0.5"
    assert activated.json()["strategy"]["active"] is True
    assert activated.json()["strategy"]["mode"] == "manual"
    assert deleted.status_code == 200
    assert missing.status_code == 404


def test_generate_signals_records_a_new_signal_once(stored: StackHandle) -> None:
    config = StrategyConfig(strategy_id=f"gen-{uuid.uuid4().hex[:8]}", strategy="sma_cross", symbol="ETH/USDT")
    candles = load_candles(store(stored), OptimizationRequest(**RANGE, strategy="sma_cross", space={"fast": [10]}))
    targets = get_strategy("sma_cross").target_positions(candles, config.params)
    change_bar = int((targets[1:] != targets[:-1]).nonzero()[0][-1]) + 1
    now_ms = int(candles.open_time[change_bar]) + 3_600_000  # the change is on the newest closed bar
    expected = evaluate(config, candles.head(change_bar + 1))
    assert expected is not None
    _api(stored, STRATEGIES, "POST", "/strategies", {**config.model_dump(mode="json"), "active": True})

    first = invoke(stored, "GenerateSignalsFunction", {"now_ms": now_ms})
    again = invoke(stored, "GenerateSignalsFunction", {"now_ms": now_ms})
    _api(stored, STRATEGIES, "POST", f"/strategies/{config.strategy_id}/deactivate")

    assert first["outcomes"][config.strategy_id] == "sent"
    assert again["outcomes"][config.strategy_id] == "duplicate"
    item = stored.clients("dynamodb").get_item(
        TableName=stored.deployed.physical_id("SignalsTable"),
        Key={
            "pk": {"S": f"strategy#{config.strategy_id}"},
            "sk": {"S": f"signal#ETH/USDT#1h#{expected.bar_time:013d}"},
        },
    )["Item"]
    assert item["signal_id"]["S"] == expected.signal_id
    assert item["status"]["S"] == "sent"
    # The queue's consumer (signal_events) starts the pipeline, named by the signal id.
    machine = stored.output("SignalStateMachineArn")
    execution_arn = machine.replace(":stateMachine:", ":execution:") + f":{expected.signal_id}"
    assert _execution_started(stored.clients("stepfunctions"), execution_arn)


def _execution_started(sfn: Any, execution_arn: str, timeout_s: float = 60) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            sfn.describe_execution(executionArn=execution_arn)
            return True
        except sfn.exceptions.ExecutionDoesNotExist:
            time.sleep(0.5)
    return False


def test_post_optimization_runs_a_small_grid_inline_with_its_heatmap(stored: StackHandle) -> None:
    space = {"fast": [5, 10], "slow": [20, 40]}
    body = {**RANGE, "strategy": "sma_cross", "space": space, "objective": "sharpe"}

    created = _api(stored, BACKTESTS, "POST", "/optimizations", body)

    assert created.status_code == 201, created.text
    result = created.json()
    request = OptimizationRequest.model_validate(body)
    local_best, _ = grid_search(
        load_candles(store(stored), request), get_strategy("sma_cross"), space, None, "sharpe"
    ).best
    assert result["best"]["params"] == local_best
    assert result["plots"]["heatmap"].endswith("heatmap.png")


def test_strategy_types_lists_each_built_in_with_its_declared_parameters(stored: StackHandle) -> None:
    reply = _api(stored, STRATEGIES, "GET", "/strategy-types")

    types = {entry["name"]: entry for entry in reply.json()["strategy_types"]}
    assert reply.status_code == 200
    assert set(types) == {"sma_cross", "ema_cross", "rsi_reversion", "bollinger_breakout", "macd", "donchian_breakout"}
    fast = next(p for p in types["sma_cross"]["parameters"] if p["name"] == "fast")
    assert (fast["type"], fast["default"], fast["min"]) == ("int", 10, 2)
