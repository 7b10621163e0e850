"""Strategies, backtests, the Map-state optimisation and the signal generator on the local stack.

Only 1m candles are stored, collected from the simulator by the backfill function: every 1h bar
a backtest, an optimisation or a strategy sees is resampled from them by the product."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from fks.backtest.optimize import grid_search
from fks.backtest.requests import OptimizationRequest
from fks.market_data.series import CandleSeriesReader
from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import DAY_MS, HOUR_MS, MINUTE_MS, Timeframe
from fks.signals import ApprovalMode
from fks.strategies import get_strategy
from fks.strategies.configs import StrategyConfig
from fks_adapters.market_data.assets import AssetRegistry
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.strategies.cursor import EvaluationCursor
from fks_app.backtests import load_candles, optimization_input
from tests.integration.market_data_helpers import collect_history, enable, invoke, store, store_sample_candles
from tests.integration.pipeline_helpers import recorder
from tests.stack_handle import StackHandle

# awswrangler (the candle store's reads) uses the default boto3 session: every test here needs aws_env.
pytestmark = [pytest.mark.moto_only, pytest.mark.usefixtures("aws_env")]

START, END = 1_735_689_600_000, 1_736_899_200_000  # 2025-01-01 .. 2025-01-15 UTC: 336 hours of 1m candles
BACKTESTS, STRATEGIES = "BacktestsFunction", "StrategiesFunction"
RANGE = {"exchange": "binance", "symbol": "ETH/USDT", "timeframe": "1h", "start_ms": START, "end_ms": END}


@pytest.fixture(scope="module")
def stored(local_stack: StackHandle) -> StackHandle:
    collect_history(local_stack, "ETH/USDT", START, END)
    return local_stack


def _candles(stack: StackHandle) -> CandleSeriesReader:
    return CandleSeriesReader(store(stack))


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
    candles = load_candles(_candles(stored), request, get_strategy("sma_cross"))
    local_best, local_metrics = grid_search(
        candles, get_strategy("sma_cross"), request.space, request.backtest_config()
    ).best
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


def test_a_1h_strategy_on_1m_candles_signals_once_per_closed_hour_and_catches_up_after_downtime(
    stored: StackHandle,
) -> None:
    config = StrategyConfig(
        strategy_id=f"gen-{uuid.uuid4().hex[:8]}",
        strategy="sma_cross",
        symbol="ETH/USDT",
        timeframe=Timeframe.H1,
        params={"fast": 2, "slow": 5},
        active=True,
    )
    created = _api(stored, STRATEGIES, "POST", "/strategies", config.model_dump(mode="json"))
    assert created.status_code == 201, created.text
    first_hour = START + 2 * 24 * HOUR_MS  # two days of history behind it
    try:
        # The schedule fires every minute; each run two minutes past an hour finds that hour closed.
        started = _generate(stored, config, first_hour + 2 * MINUTE_MS)
        assert started["bars"] == [first_hour - HOUR_MS]  # a new strategy starts at the newest closed hour
        hour, sent = first_hour, list[dict[str, Any]]()
        while not sent:
            report = _generate(stored, config, hour + HOUR_MS + 2 * MINUTE_MS)
            assert report["bars"] == [hour], "each run evaluates exactly the hour that closed"
            sent = [s for s in report["signals"] if s["outcome"] == "sent"]
            assert hour < first_hour + 48 * HOUR_MS, "sma 2/5 crosses within two days of hourly bars"
            hour += HOUR_MS
        again = _generate(stored, config, hour + 2 * MINUTE_MS)
        # Downtime: three scheduled runs missed; the next one evaluates every missed hour, in order.
        caught_up = _generate(stored, config, hour + 4 * HOUR_MS + 2 * MINUTE_MS)
        same_bars = _generate(stored, config, hour + 4 * HOUR_MS + 30 * MINUTE_MS)
    finally:
        _api(stored, STRATEGIES, "POST", f"/strategies/{config.strategy_id}/deactivate")

    assert (again["bars"], again["signals"], again["outcome"]) == ([], [], "up_to_date")
    assert caught_up["bars"] == [hour + h * HOUR_MS for h in range(4)]
    for signal in caught_up["signals"]:  # only the newest two closed hours are still worth trading
        assert signal["outcome"] == ("sent" if signal["bar_time"] >= hour + 2 * HOUR_MS else "stale")
    assert same_bars["bars"] == []
    (signal,) = sent
    record = _signal_record(stored, signal["signal_id"])
    assert (record["signal"]["strategy_id"], record["signal"]["bar_time"]) == (config.strategy_id, signal["bar_time"])
    assert record["status"] != "stale"
    for caught in caught_up["signals"]:  # a stale signal is kept, never started
        if caught["outcome"] == "stale":
            assert _signal_record(stored, caught["signal_id"])["status"] == "stale"
    # generate_signals starts the pipeline itself, named by the signal id.
    machine = stored.output("SignalStateMachineArn")
    execution_arn = machine.replace(":stateMachine:", ":execution:") + f":{signal['signal_id']}"
    assert _execution_started(stored.clients("stepfunctions"), execution_arn)


def test_two_overlapping_runs_evaluate_each_hour_once_and_record_its_signal_once(stored: StackHandle) -> None:
    config = StrategyConfig(
        strategy_id=f"race-{uuid.uuid4().hex[:8]}",
        strategy="sma_cross",
        symbol="ETH/USDT",
        timeframe=Timeframe.H1,
        params={"fast": 2, "slow": 5},
        active=True,
    )
    _api(stored, STRATEGIES, "POST", "/strategies", config.model_dump(mode="json"))
    first_hour = START + 4 * 24 * HOUR_MS
    _generate(stored, config, first_hour + 2 * MINUTE_MS)
    signalled: list[dict[str, Any]] = []
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            for hour in range(first_hour, first_hour + 48 * HOUR_MS, HOUR_MS):
                now = hour + HOUR_MS + 2 * MINUTE_MS
                runs = list(pool.map(_generate, [stored] * 2, [config] * 2, [now] * 2))
                # Exactly one run moved the cursor past the hour; the other found it done or lost the race.
                movers = [r for r in runs if r["bars"] == [hour] and not r["raced"]]
                assert len(movers) == 1, runs
                assert all(r["bars"] in ([], [hour]) for r in runs)
                signalled = [s for r in runs for s in r["signals"]]
                if signalled:
                    break
    finally:
        _api(stored, STRATEGIES, "POST", f"/strategies/{config.strategy_id}/deactivate")

    assert signalled, "sma 2/5 crosses within two days of hourly bars"
    assert len({s["signal_id"] for s in signalled}) == 1  # both runs name the bar's signal alike
    assert [s["outcome"] for s in signalled].count("sent") == 1
    # One record, keyed by the signal's id (derived from the strategy, symbol, timeframe and bar).
    assert _signal_record(stored, signalled[0]["signal_id"])["signal"]["strategy_id"] == config.strategy_id


def test_each_minute_collection_stores_is_judged_once_right_after_it_is_stored(local_stack: StackHandle) -> None:
    # The two schedules as EventBridge fires them, in real time. Collection starts generate_signals
    # itself once it has stored new candles, so the newest minute is judged without waiting for
    # the next schedule; the scheduled run that follows finds it already judged.
    assert enable(local_stack, "BTC/USDT").status_code == 200
    config = StrategyConfig(
        strategy_id=f"tick-{uuid.uuid4().hex[:8]}", strategy="sma_cross", symbol="BTC/USDT", timeframe=Timeframe.M1
    )
    _api(local_stack, STRATEGIES, "POST", "/strategies", {**config.model_dump(mode="json"), "active": True})
    cursor = EvaluationCursor(local_stack.deployed.physical_id("SignalsTable"), local_stack.clients("dynamodb"))

    def scheduled(rule: str) -> dict[str, Any]:
        (answer,) = local_stack.fire_schedule(rule)
        assert answer["error"] is None, answer
        body: dict[str, Any] = json.loads(answer["payload"])
        return body

    def judged_up_to(bar: int | None, timeout_s: float = 60) -> int | None:
        deadline = time.monotonic() + timeout_s
        while (seen := cursor.get(config)) != bar and time.monotonic() < deadline:
            time.sleep(0.5)
        return seen

    btc = SeriesKey.of("binance", "BTC/USDT", "1m")
    try:
        # A minute no earlier test collected: this collection stores something new.
        time.sleep(60 - time.time() % 60 + 2)
        first_collection = scheduled("CollectOhlcvFunctionEveryMinute")
        first_newest = store(local_stack).latest_open_time(btc)
        first_cursor = judged_up_to(first_newest)
        again = scheduled("GenerateSignalsFunctionEveryMinute")["evaluations"][config.strategy_id]
        time.sleep(60 - time.time() % 60 + 2)  # the next minute closes
        scheduled("CollectOhlcvFunctionEveryMinute")
        second_newest = store(local_stack).latest_open_time(btc)
        second_cursor = judged_up_to(second_newest)
    finally:
        _api(local_stack, STRATEGIES, "POST", f"/strategies/{config.strategy_id}/deactivate")

    assert first_collection["signals_requested"] is True
    assert first_newest is not None
    assert second_newest is not None
    assert second_newest > first_newest
    assert first_cursor == first_newest  # judged by the run collection started
    assert again["bars"] == []  # the scheduled run judges nothing twice
    assert second_cursor == second_newest


def test_an_hour_whose_last_minute_is_not_stored_is_not_evaluated(stored: StackHandle) -> None:
    # A series of its own (other tests collect ETH/USDT up to now): two days of 1m candles ending at END.
    store_sample_candles(stored, SeriesKey.of("bitstamp", "ETH/USDT", "1m"), "ETHUSDT", END - 2 * DAY_MS, END - 1)
    config = StrategyConfig(
        strategy_id=f"edge-{uuid.uuid4().hex[:8]}",
        strategy="sma_cross",
        exchange="bitstamp",
        symbol="ETH/USDT",
        timeframe=Timeframe.H1,
        active=True,
    )
    _api(stored, STRATEGIES, "POST", "/strategies", config.model_dump(mode="json"))
    try:
        # Hours after END have closed by the clock, but no collection stored their minutes.
        report = _generate(stored, config, END + 5 * HOUR_MS)
        later = _generate(stored, config, END + 6 * HOUR_MS)
    finally:
        _api(stored, STRATEGIES, "POST", f"/strategies/{config.strategy_id}/deactivate")

    assert report["bars"] == [END - HOUR_MS]
    assert report["cursor"] == END - HOUR_MS
    assert later["bars"] == []  # still nothing stored after END: nothing new to evaluate


def test_a_strategy_or_backtest_finer_than_its_assets_collected_base_is_a_400_naming_both(stored: StackHandle) -> None:
    registry = AssetRegistry(stored.deployed.physical_id("AssetsTable"), stored.clients("dynamodb"))
    registry.enable(SeriesKey.of("kraken", "XRP/USDT", "5m"), 0)  # an asset no other test has
    body = {"strategy_id": f"fine-{uuid.uuid4().hex[:8]}", "strategy": "sma_cross", "exchange": "kraken"}
    try:
        finer = _api(stored, STRATEGIES, "POST", "/strategies", {**body, "symbol": "XRP/USDT", "timeframe": "1m"})
        coarser = _api(stored, STRATEGIES, "POST", "/strategies", {**body, "symbol": "XRP/USDT", "timeframe": "1h"})
        span = {"exchange": "kraken", "symbol": "XRP/USDT", "timeframe": "1m", "start_ms": START, "end_ms": END}
        backtest = _api(stored, BACKTESTS, "POST", "/backtests", {**span, "strategy": "sma_cross"})
        grid = {**span, "strategy": "sma_cross", "space": {"fast": list(range(2, 25)), "slow": list(range(30, 40))}}
        optimization = _api(stored, BACKTESTS, "POST", "/optimizations", grid)  # a fanned-out grid is refused too
    finally:
        registry.disable("kraken", "XRP/USDT")
        _api(stored, STRATEGIES, "DELETE", f"/strategies/{body['strategy_id']}")

    assert coarser.status_code == 201, coarser.text
    for refused in (finer, backtest, optimization):
        assert refused.status_code == 400, refused.text
        assert "timeframe 1m is finer than the collected base timeframe 5m" in refused.text


def _generate(stack: StackHandle, config: StrategyConfig, now_ms: int) -> dict[str, Any]:
    """One run of the scheduled generate_signals at ``now_ms``: this strategy's evaluation."""
    report: dict[str, Any] = invoke(stack, "GenerateSignalsFunction", {"now_ms": now_ms})["evaluations"][
        config.strategy_id
    ]
    return report


def _signal_record(stack: StackHandle, signal_id: str) -> dict[str, Any]:
    """The signal's one record, as the signals API reads it."""
    record = SignalHistory(stack.deployed.physical_id("SignalsTable"), stack.clients("dynamodb")).get(signal_id)
    assert record is not None, signal_id
    return record


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
        load_candles(_candles(stored), request, get_strategy("sma_cross")),
        get_strategy("sma_cross"),
        space,
        request.backtest_config(),
        "sharpe",
    ).best
    assert result["best"]["params"] == local_best
    assert result["plots"]["heatmap"].endswith("heatmap.png")


def test_strategy_types_lists_each_built_in_and_the_plugin_from_its_layer(stored: StackHandle) -> None:
    reply = _api(stored, STRATEGIES, "GET", "/strategy-types")

    types = {entry["name"]: entry for entry in reply.json()["strategy_types"]}
    assert reply.status_code == 200
    built_in = {"sma_cross", "ema_cross", "rsi_reversion", "bollinger_breakout", "macd", "donchian_breakout"}
    built_in |= {"ml_forecast", "regime_gate"}  # with the asset's stored models
    assert set(types) == {*built_in, "rsi_trend"}
    assert {name for name, entry in types.items() if entry["source"] == "built_in"} == built_in
    assert types["rsi_trend"]["source"] == "plugin"
    assert reply.json()["broken"] == []
    assert {"sharpe", "sortino", "calmar", "drawdown_adjusted_return"} <= set(reply.json()["objectives"])
    assert (types["ml_forecast"]["models"], types["regime_gate"]["models"]) == (["forecast"], ["regime"])
    assert (types["sma_cross"]["models"], types["sma_cross"]["informative"]) == ([], [])
    fast = next(p for p in types["sma_cross"]["parameters"] if p["name"] == "fast")
    assert (fast["type"], fast["default"], fast["min"]) == ("int", 10, 2)


def test_a_plugin_strategy_backtests_and_past_backtests_are_listed_newest_first_in_pages(stored: StackHandle) -> None:
    runs = [
        _api(stored, BACKTESTS, "POST", "/backtests", {**RANGE, "strategy": strategy, "params": params})
        for strategy, params in (
            ("rsi_trend", {"rsi_window": 5, "trend_window": 24}),
            ("sma_cross", {"fast": 5}),
            ("rsi_trend", {"rsi_window": 7, "trend_window": 48, "allow_short": "yes"}),
        )
    ]
    assert [run.status_code for run in runs] == [201, 201, 201], [run.text for run in runs]
    newest_first = [run.json()["id"] for run in reversed(runs)]

    first = _api(stored, BACKTESTS, "GET", "/backtests?limit=2").json()
    second = _api(stored, BACKTESTS, "GET", f"/backtests?limit=2&after={first['next']}").json()

    listed = [entry["id"] for entry in first["backtests"] + second["backtests"]]
    assert listed[:3] == newest_first
    assert first["backtests"][0]["strategy"] == "rsi_trend"
    assert first["backtests"][0]["params"]["allow_short"] == "yes"
    assert first["backtests"][0]["metrics"]["trade_count"] == runs[2].json()["metrics"]["trade_count"]
    assert first["backtests"][0]["symbol"] == "ETH/USDT"
    bad = _api(stored, BACKTESTS, "GET", "/backtests?after=nope")
    assert bad.status_code == 400
    assert "after" in bad.text


@pytest.mark.parametrize(
    "objective",
    [{"objective": "drawdown_adjusted_return", "min_trades": 1}, {"objective": "calmar", "max_drawdown": 0.3}],
)
def test_an_optimisation_maximises_calmar_or_a_plugins_loss_under_its_constraints(
    stored: StackHandle, objective: dict[str, Any]
) -> None:
    space = {"rsi_window": [5, 9], "trend_window": [24, 48]}
    body = {**RANGE, "strategy": "rsi_trend", "space": space, **objective}

    created = _api(stored, BACKTESTS, "POST", "/optimizations", body)

    assert created.status_code == 201, created.text
    request = OptimizationRequest.model_validate(body)
    strategy = get_strategy("rsi_trend")
    local = grid_search(
        load_candles(_candles(stored), request, strategy), strategy, space, request.backtest_config(), request.goal
    )
    assert created.json()["best"]["params"] == local.best[0]
    assert created.json()["objective"] == objective["objective"]
    listed = _api(stored, BACKTESTS, "GET", "/optimizations?limit=1").json()["optimizations"][0]
    assert (listed["id"], listed["status"], listed["strategy"]) == (created.json()["id"], "done", "rsi_trend")
    assert listed["best"]["params"] == local.best[0]


def test_a_plugin_strategy_is_deployed_and_the_schedule_sends_its_signal_into_the_pipeline(
    stored: StackHandle,
) -> None:
    params = {"rsi_window": 3, "trend_window": 12, "oversold": 45.0, "overbought": 55.0, "exit_level": 50.0}
    config = StrategyConfig(
        strategy_id=f"plugin-{uuid.uuid4().hex[:8]}",
        strategy="rsi_trend",
        symbol="ETH/USDT",
        timeframe=Timeframe.H1,
        params={**params, "allow_short": "yes"},
        active=True,
    )
    created = _api(stored, STRATEGIES, "POST", "/strategies", config.model_dump(mode="json"))
    assert created.status_code == 201, created.text
    assert created.json()["strategy"]["params"]["allow_short"] == "yes"
    hour = START + 6 * 24 * HOUR_MS
    try:
        _generate(stored, config, hour + 2 * MINUTE_MS)
        sent: list[dict[str, Any]] = []
        while not sent:
            report = _generate(stored, config, hour + HOUR_MS + 2 * MINUTE_MS)
            assert report["bars"] == [hour]
            sent = [s for s in report["signals"] if s["outcome"] == "sent"]
            assert hour < START + 9 * 24 * HOUR_MS, "a fast RSI in both directions signals within three days"
            hour += HOUR_MS
    finally:
        _api(stored, STRATEGIES, "POST", f"/strategies/{config.strategy_id}/deactivate")

    (signal,) = sent
    machine = stored.output("SignalStateMachineArn")
    execution_arn = machine.replace(":stateMachine:", ":execution:") + f":{signal['signal_id']}"
    assert _execution_started(stored.clients("stepfunctions"), execution_arn)


BTC_DAILY_PLUGIN = """
import numpy as np
from fks.strategies import Informative, Parameter, Strategy


class BtcDailyRise(Strategy):
    name = "btc_daily_rise"
    description = "ETH long while BTC's last closed day rose, short while it fell."
    parameters = (Parameter(name="days", type="int", default=1, min=1, max=5, description="days compared"),)

    def informative(self, params):
        return (Informative.of("1d", "BTC/USDT", bars=int(params["days"])),)

    def warmup_bars(self, params):
        return 0

    def compute_targets(self, candles, params, cache):
        daily = candles.informative_series("1d", "BTC/USDT")
        close, days = daily.candles.close, int(params["days"])
        rose = np.full(close.shape, np.nan)
        rose[days:] = np.sign(close[days:] - close[:-days])
        return daily.align(rose)
"""


def test_a_strategy_reading_btcs_daily_bars_signals_on_eth_hours_only_when_a_btc_day_has_closed(
    stored: StackHandle, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fks.strategies.plugins import PLUGINS_PATH_ENV
    from fks.strategies.registry import reload_plugins
    from fks_app.signal_generation import SignalGenerator

    collect_history(stored, "BTC/USDT", START, END)  # 1m candles only: the days are the product's
    (tmp_path / "btc_daily_rise.py").write_text(BTC_DAILY_PLUGIN)
    monkeypatch.setenv(PLUGINS_PATH_ENV, str(tmp_path))
    reload_plugins()
    table = stored.deployed.physical_id("SignalsTable")
    generator = SignalGenerator(
        _candles(stored),
        EvaluationCursor(table, stored.clients("dynamodb")),
        recorder(stored),
    )
    config = StrategyConfig(strategy_id=f"daily-{uuid.uuid4().hex[:8]}", strategy="btc_daily_rise",
                            symbol="ETH/USDT", timeframe=Timeframe.H1, active=True)  # fmt: skip
    try:
        generator.generate(config, START + 3 * DAY_MS + 2 * MINUTE_MS)  # a new strategy starts at the newest hour
        sides: dict[int, str] = {}
        for hour in range(START + 3 * DAY_MS, START + 10 * DAY_MS, HOUR_MS):
            report = generator.generate(config, hour + HOUR_MS + 2 * MINUTE_MS)
            assert report["bars"] == [hour]
            sides.update({signal["bar_time"]: signal["side"] for signal in report["signals"]})
    finally:
        monkeypatch.delenv(PLUGINS_PATH_ENV)
        reload_plugins()

    assert sides, "BTC's daily direction changes within a week"
    # Only the hour that closes with a BTC day (23:00, closing at midnight) can change the target.
    assert {(bar_time + HOUR_MS) % DAY_MS for bar_time in sides} == {0}


def test_a_long_opened_before_the_evaluation_window_is_closed_by_the_cross_down(stored: StackHandle) -> None:
    # Each scheduled run reads only the lookback before its bar (24 half hours for sma 3/6). Over
    # these days ETH's 30m sma 3/6 holds one long 28 bars: by its cross down the cross up has left
    # the window, which reads flat. The cursor's held target still closes the long, as the
    # backtest over the whole history does.
    from fks.strategies.scheduled import lookback_bars
    from fks_app.signal_generation import SignalGenerator

    m30 = Timeframe.M30.ms
    cursor = EvaluationCursor(stored.function("SignalsTable"), stored.clients("dynamodb"))
    generator = SignalGenerator(_candles(stored), cursor, recorder(stored))
    config = StrategyConfig(strategy_id=f"held-{uuid.uuid4().hex[:8]}", strategy="sma_cross", symbol="ETH/USDT",
                            timeframe=Timeframe.M30, params={"fast": 3, "slow": 6},
                            mode=ApprovalMode.MANUAL, approval_window_s=1, active=True)  # fmt: skip
    first = START + 206 * m30  # flat then: the long to come opens in the bars evaluated
    generator.generate(config, first + 2 * MINUTE_MS)  # a new strategy starts at the newest closed bar
    signals: list[dict[str, Any]] = []
    for bar in range(first, START + 245 * m30, m30):
        report = generator.generate(config, bar + m30 + 2 * MINUTE_MS)
        assert report["bars"] == [bar]
        signals += report["signals"]

    sides = [signal["side"] for signal in signals]
    assert sides == ["buy", "sell"] * (len(sides) // 2)  # long-only: every entry is closed, none twice
    held_bars = [
        (sell["bar_time"] - buy["bar_time"]) // m30 for buy, sell in zip(signals[::2], signals[1::2], strict=True)
    ]
    assert max(held_bars) > lookback_bars(config), held_bars  # the entry outside the exit's window
