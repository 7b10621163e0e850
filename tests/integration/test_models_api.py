"""Models on the local stack: train through the API, then serve the regime and the forecast."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from fks.market_data.storage import SeriesKey, symbol_to_partition
from fks.ml.training import MIN_SERVE_BARS, min_training_bars
from fks_adapters.market_data.assets import AssetRegistry
from fks_adapters.ml import ModelStore
from tests.integration.conftest import stack_of_its_own
from tests.integration.market_data_helpers import invoke, store_sample_candles
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only

START, END = 1_717_200_000_000, 1_725_148_800_000  # 2024-06-01 .. 2024-09-01 UTC, ~2200 1h bars
# Only 1m candles are stored; the models' 1h bars are resampled from them on read.
SOL_1M = SeriesKey.of("binance", "SOL/USDT", "1m")
# A series no other test writes: the bucket is shared across the session.
SHORT_1M = SeriesKey.of("kraken", "ETH/USDT", "1m")


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackHandle]:
    # A stack of its own: training reads the newest days of a series, and other modules collect
    # SOL/USDT up to now on the session stack.
    with stack_of_its_own(tmp_path_factory, "models") as stack:
        store_sample_candles(stack, SOL_1M, "SOLUSDT", START, END - 1)
        yield stack


def test_training_through_the_api_stores_versioned_models_that_serve_regime_and_forecast(stored: StackHandle) -> None:
    trained = stored.api("POST", "/models/SOL-USDT/train", scope="admin", json={"timeframe": "1h", "days": 120})
    assert trained.status_code == 200, trained.text
    body = trained.json()
    evaluation = body["report"]["evaluation"]
    assert set(evaluation) >= {"model", "majority", "persistence"}
    assert 0.0 <= evaluation["model"]["brier"] <= 1.0

    regime = stored.api("GET", "/models/SOL-USDT/regime", scope="read")
    forecast = stored.api("GET", "/models/SOL-USDT/forecast", scope="read")

    assert regime.status_code == 200, regime.text
    assert regime.json()["regime"] in {"trending_up", "trending_down", "ranging", "high_volatility"}
    assert regime.json()["model_version"] == body["versions"]["regime"]
    assert forecast.status_code == 200, forecast.text
    assert 0.0 <= forecast.json()["prob_up"] <= 1.0
    latest = ModelStore(stored.output("DataBucketName"), stored.clients("s3")).latest("SOL-USDT", "forecast")
    assert latest.version == body["versions"]["forecast"]


def test_training_with_a_read_key_is_forbidden(stored: StackHandle) -> None:
    assert stored.api("POST", "/models/SOL-USDT/train", scope="read", json={}).status_code == 403


def test_training_on_too_little_history_is_a_400_naming_the_minimum(stored: StackHandle) -> None:
    reply = stored.api("POST", "/models/SOL-USDT/train", scope="admin", json={"days": 10})
    assert reply.status_code == 400
    assert str(min_training_bars()) in reply.text


def test_serving_an_asset_with_a_model_but_too_little_history_is_a_400(stored: StackHandle) -> None:
    models = ModelStore(stored.output("DataBucketName"), stored.clients("s3"))
    sol = models.latest("SOL-USDT", "regime")
    models.put("ETH-USDT", "regime", sol.model, {**sol.metadata, "exchange": "kraken", "symbol": "ETH/USDT"})
    store_sample_candles(stored, SHORT_1M, "ETHUSDT", START, START + 20 * 3_600_000)
    reply = stored.api("GET", "/models/ETH-USDT/regime", scope="read")
    assert reply.status_code == 400
    assert f"at least {MIN_SERVE_BARS} bars" in reply.text


def test_serving_an_untrained_asset_is_a_404(stored: StackHandle) -> None:
    assert stored.api("GET", "/models/XRP-USDT/forecast", scope="read").status_code == 404


def test_a_malformed_asset_in_the_path_is_a_400_naming_it(stored: StackHandle) -> None:
    reply = stored.api("GET", "/models/BTCUSDT/regime", scope="read")
    assert reply.status_code == 400
    assert "BTCUSDT" in reply.text


def test_the_scheduled_run_accounts_for_every_enabled_asset(stored: StackHandle) -> None:
    enabled = {
        symbol_to_partition(a.symbol)
        for a in AssetRegistry(stored.deployed.physical_id("AssetsTable"), stored.clients("dynamodb")).list_assets(
            enabled_only=True
        )
    }

    result = invoke(stored, "ModelsFunction", {"schedule": "train_enabled_assets"})

    assert set(result["trained"]) | set(result["skipped"]) == enabled
    assert all("bars" in reason for reason in result["skipped"].values())


def test_the_forecast_strategy_runs_live_with_its_stored_model_and_a_stale_model_is_refused(
    stored: StackHandle,
) -> None:
    hour, day = 3_600_000, 86_400_000
    until = END - 4 * day  # trained on bars before the last four days: those are out of sample
    trained = stored.api(
        "POST", "/models/SOL-USDT/train", scope="admin", json={"timeframe": "1h", "days": 80, "end_ms": until}
    )
    assert trained.status_code == 200, trained.text
    version = trained.json()["versions"]["forecast"]
    keys = stored.clients("s3").list_objects_v2(
        Bucket=stored.output("DataBucketName"), Prefix=f"models/SOL-USDT/forecast/{version}/"
    )
    assert {item["Key"].rsplit("/", 1)[1] for item in keys["Contents"]} == {"model.json", "metadata.json"}

    market = {"exchange": "binance", "symbol": "SOL/USDT", "timeframe": "1h"}
    backtest = stored.api("POST", "/backtests", scope="read", json={
        **market, "start_ms": until - 5 * day, "end_ms": END, "strategy": "ml_forecast", "params": {"threshold": 0.5},
    })  # fmt: skip
    assert backtest.status_code == 201, backtest.text
    assert backtest.json()["metrics"]["trade_count"] > 0

    live = {**market, "strategy": "ml_forecast", "params": {"threshold": 0.5}, "active": True}
    created = stored.api("POST", "/strategies", scope="admin", json={**live, "strategy_id": "forecast-live"})
    stale = {**live, "strategy_id": "forecast-stale", "params": {"threshold": 0.5, "max_model_age_days": 1}}
    assert created.status_code == 201, created.text
    assert stored.api("POST", "/strategies", scope="admin", json=stale).status_code == 201
    try:
        bar, sent = until + day, list[dict]()
        while not sent:
            report = invoke(stored, "GenerateSignalsFunction", {"now_ms": bar + hour + 120_000})
            own = report["evaluations"]["forecast-live"]
            assert own["outcome"] != "refused", own
            sent = [signal for signal in own["signals"] if signal["outcome"] == "sent"]
            assert bar < END - hour, "a forecast at threshold 0.5 changes side within three days"
            bar += hour
        refused = report["evaluations"]["forecast-stale"]
    finally:
        for strategy_id in ("forecast-live", "forecast-stale"):
            stored.api("POST", f"/strategies/{strategy_id}/deactivate", scope="admin")

    assert refused["outcome"] == "refused"
    assert f"the forecast model of SOL-USDT (version {version}) is too old" in refused["reason"]


def test_fks_ml_train_on_the_stacks_history_stores_models_the_stack_serves(
    stored: StackHandle, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from fks_cli.cli import main
    from fks_local.aws_session import LOCAL_CREDENTIALS

    monkeypatch.setenv("AWS_ENDPOINT_URL", stored.endpoint_url)  # the command reaches the bucket as a user's would
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name, value in LOCAL_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = f"s3://{stored.output('DataBucketName')}"

    code = main(["ml", "train", "--symbol", "SOL/USDT", "--timeframe", "1h", "--start", "2024-06-01",
                 "--end", "2024-08-25", "--data", bucket, "--models", bucket, "--out", str(tmp_path)])  # fmt: skip

    out = capsys.readouterr().out
    assert code == 0, out
    stored_line = next(line for line in out.splitlines() if line.startswith("stored the forecast model"))
    version = stored_line.split(" version ")[1].split(" ")[0]
    served = stored.api("GET", "/models/SOL-USDT/forecast", scope="read")
    assert served.status_code == 200, served.text
    assert served.json()["model_version"] == version


def briefing_of(stack: StackHandle, signal_id: str, timeout_s: float = 90) -> dict[str, Any]:
    """The briefing AiFunction attaches to a signal's record from the signals table's stream."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        reply = stack.api("GET", f"/signals/{signal_id}", scope="read")  # 404 until validate_signal records it
        if reply.status_code == 200 and "briefing" in reply.json()["signal"]:
            briefing: dict[str, Any] = reply.json()["signal"]["briefing"]
            return briefing
        time.sleep(0.5)
    raise AssertionError(f"signal {signal_id} got no briefing in {timeout_s} s")


def test_a_regime_gated_strategy_enters_only_in_its_regime_and_its_briefing_shows_its_record_there(
    stored: StackHandle,
) -> None:
    hour, day = 3_600_000, 86_400_000
    until = END - 8 * day  # the bars judged below are after the model's training window
    trained = stored.api(
        "POST", "/models/SOL-USDT/train", scope="admin", json={"timeframe": "1h", "days": 80, "end_ms": until}
    )
    assert trained.status_code == 200, trained.text
    share = trained.json()["report"]["regime_stats"]["share"]
    allowed = max(share, key=share.get)  # the regime the model labels most bars with: entries are likely
    market = {"exchange": "binance", "symbol": "SOL/USDT", "timeframe": "1h"}
    params = {"inner": "sma_cross", "long_in": allowed, "short_in": "none"}
    backtest = stored.api("POST", "/backtests", scope="read", json={
        **market, "start_ms": until - 2 * day, "end_ms": END, "strategy": "regime_gate", "params": params,
    })  # fmt: skip
    assert backtest.status_code == 201, backtest.text
    live = {**market, "strategy": "regime_gate", "params": params, "active": True, "strategy_id": "gated-live"}
    assert stored.api("POST", "/strategies", scope="admin", json=live).status_code == 201
    try:
        bar, entries, sent = until + day, list[dict[str, Any]](), list[dict[str, Any]]()
        while not entries and bar < END - hour:
            report = invoke(stored, "GenerateSignalsFunction", {"now_ms": bar + hour + 120_000})
            own = report["evaluations"]["gated-live"]
            assert own["outcome"] != "refused", own
            fresh = [signal for signal in own["signals"] if signal["outcome"] == "sent"]
            sent += fresh
            entries += [signal for signal in fresh if signal["side"] == "buy"]
            bar += hour
    finally:
        stored.api("POST", "/strategies/gated-live/deactivate", scope="admin")

    assert entries, f"sma_cross entered no long in {allowed} within a week"
    for signal in sent:  # each signal the stream briefs with the regime of its bar, by the same model
        briefing = briefing_of(stored, signal["signal_id"])
        if signal["side"] == "buy":
            assert briefing["regime"]["regime"] == allowed, (signal, briefing["regime"])
    performance = briefing_of(stored, entries[0]["signal_id"])["performance"]
    assert performance["available"] is True, performance
    assert performance["regime"] == allowed
    assert performance["backtests"]["backtest_ids"] == [backtest.json()["id"]]
    by_regime = performance["backtests"]["by_regime"]
    assert sum(figures["trades"] for figures in by_regime.values()) == backtest.json()["metrics"]["trade_count"]
    assert set(by_regime) <= {allowed, "unknown"}  # the backtest, gated alike, entered in its regime only


def test_a_stored_model_fitted_on_too_little_data_is_refused_by_name_on_the_schedule(stored: StackHandle) -> None:
    # Training refuses such a fit; a model stored some other way (an older build, a copied file) is
    # refused when a live strategy would evaluate with it.
    models = ModelStore(stored.output("DataBucketName"), stored.clients("s3"))
    latest = models.latest("SOL-USDT", "regime")
    report = {**latest.metadata["report"], "bars": 100}
    version = models.put("SOL-USDT", "regime", latest.model, {**latest.metadata, "report": report})
    live = {"exchange": "binance", "symbol": "SOL/USDT", "timeframe": "1h", "strategy": "regime_gate",
            "params": {"max_model_age_days": 3650}, "active": True, "strategy_id": "gated-thin"}  # fmt: skip
    assert stored.api("POST", "/strategies", scope="admin", json=live).status_code == 201
    try:
        report_run = invoke(stored, "GenerateSignalsFunction", {"now_ms": END})
    finally:
        stored.api("POST", "/strategies/gated-thin/deactivate", scope="admin")

    refused = report_run["evaluations"]["gated-thin"]
    assert refused["outcome"] == "refused", refused
    assert f"the regime model of SOL-USDT (version {version}) was trained on 100 bars" in refused["reason"]
