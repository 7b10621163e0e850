"""Bring your own strategy, end to end, with no change to platform code: ``fks strategy new`` writes
it in a fresh folder; ``fks data download`` fetches 1m history from the stack's exchange simulator
through ccxt into the stack's bucket; the strategy is checked (``fks strategy check``) and
backtested (``fks backtest``) on that history, optimised by the stack (``POST /optimizations``),
deployed (``POST /strategies``), and the scheduled ``generate_signals`` turns one of its closed
hours into a signal whose pipeline runs to its end. The folder reaches the stack's functions the
way a developer's does: ``FKS_STRATEGY_PLUGINS_PATH`` set when the stack starts (on MiniStack, in
every function's environment when `sam deploy` deploys the stack: tests/second_target/ministack.py)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fks.strategies.plugins import PLUGINS_PATH_ENV
from fks.strategies.registry import reload_plugins
from fks_cli.cli import main
from fks_cli.commands_backtest import parse_time
from fks_local.aws_session import LOCAL_CREDENTIALS
from tests.integration.conftest import stack_of_its_own
from tests.stack_handle import StackHandle

SINCE, UNTIL = "2024-01-01", "2024-01-11"
HOUR, MINUTE, DAY = 3_600_000, 60_000, 86_400_000
MARKET = {"exchange": "binance", "symbol": "ETH/USDT", "timeframe": "1h"}


# Reads BTC's minutes beside ETH's hours: deployable only where BTC's minutes are collected.
BTC_MINUTES = """
import numpy as np
from fks.strategies import Informative, Strategy


class BtcMinutes(Strategy):
    name = "btc_minutes"
    description = "ETH long while BTC's last minute rose."
    parameters = ()

    def informative(self, params):
        return (Informative.of("1m", "BTC/USDT"),)

    def warmup_bars(self, params):
        return 0

    def compute_targets(self, candles, params, cache):
        minutes = candles.informative_series("1m", "BTC/USDT")
        return np.sign(minutes.align(minutes.candles.close - minutes.candles.open))
"""


@pytest.fixture(scope="module")
def plugin_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("my-strategies")
    assert main(["strategy", "new", "my_trend", "--dir", str(folder)]) == 0
    (folder / "btc_minutes.py").write_text(BTC_MINUTES)  # before the stack starts: found at cold start
    return folder


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, plugin_folder: Path) -> Iterator[StackHandle]:
    previous = os.environ.get(PLUGINS_PATH_ENV)
    os.environ[PLUGINS_PATH_ENV] = str(plugin_folder)
    reload_plugins()
    try:
        with stack_of_its_own(tmp_path_factory, "ownstrategy") as handle:
            yield handle
    finally:
        if previous is None:
            os.environ.pop(PLUGINS_PATH_ENV, None)
        else:
            os.environ[PLUGINS_PATH_ENV] = previous
        reload_plugins()


@pytest.fixture
def stack_env(stack: StackHandle, monkeypatch: pytest.MonkeyPatch) -> str:
    """The commands reach the stack's bucket through boto3's default session, as a user's would."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", stack.endpoint_url)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name, value in LOCAL_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    return f"s3://{stack.output('DataBucketName')}"


def test_a_strategy_from_a_fresh_folder_is_checked_backtested_optimised_deployed_and_signals(
    stack: StackHandle, stack_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bucket = stack_env
    downloaded = main(["data", "download", "--symbol", "ETH/USDT", "--since", SINCE, "--until", UNTIL,
                       "--to", bucket, "--exchange-url", stack.simulator.url])  # fmt: skip
    assert downloaded == 0, capsys.readouterr().err
    assert "stored 14400 new candles" in capsys.readouterr().out
    on_eth = ["--symbol", "ETH/USDT", "--timeframe", "1h", "--start", SINCE, "--end", UNTIL, "--data", bucket]

    checked = main(["strategy", "check", "my_trend", *on_eth])
    assert checked == 0, capsys.readouterr().out
    backtested = main(["backtest", "--strategy", "my_trend", *on_eth, "--out", str(tmp_path)])
    assert backtested == 0, capsys.readouterr().err
    assert "loaded 240 1h bars of ETH/USDT" in capsys.readouterr().out

    start_ms, end_ms = parse_time(SINCE, "start"), parse_time(UNTIL, "end")
    span = {**MARKET, "start_ms": start_ms, "end_ms": end_ms, "strategy": "my_trend"}
    optimised = stack.api("POST", "/optimizations", scope="read", json={**span, "space": {"window": [5, 10, 20]}})
    assert optimised.status_code == 201, optimised.text
    best = optimised.json()["best"]["params"]
    assert best["window"] in (5, 10, 20)
    types = stack.api("GET", "/strategy-types", scope="read").json()["strategy_types"]
    assert next(entry for entry in types if entry["name"] == "my_trend")["source"] == "plugin"

    config = {**MARKET, "strategy_id": "my-trend-live", "strategy": "my_trend", "params": best, "active": True}
    deployed = stack.api("POST", "/strategies", scope="admin", json=config)
    assert deployed.status_code == 201, deployed.text
    try:
        sent = _first_sent_signal(stack, start_ms + 3 * DAY, end_ms)
    finally:
        stack.api("POST", "/strategies/my-trend-live/deactivate", scope="admin")

    machine = stack.output("SignalStateMachineArn")
    execution_arn = machine.replace(":stateMachine:", ":execution:") + f":{sent['signal_id']}"
    _wait_until_started(stack, execution_arn)  # the signal queue's consumer starts it
    execution = stack.wait_for_execution(execution_arn, timeout_s=240)
    assert execution["status"] == "SUCCEEDED", execution
    assert json.loads(execution["output"]), "the pipeline recorded an outcome"


def _first_sent_signal(stack: StackHandle, first_hour: int, end_ms: int) -> dict[str, Any]:
    """Scheduled runs of generate_signals two minutes past each hour until one sends a signal."""
    fire = {"now_ms": first_hour + 2 * MINUTE}
    invoke(stack, fire)  # a new strategy starts at the newest closed hour
    for hour in range(first_hour, end_ms - HOUR, HOUR):
        report = invoke(stack, {"now_ms": hour + HOUR + 2 * MINUTE})["evaluations"]["my-trend-live"]
        assert report["bars"] == [hour], report
        sent = [signal for signal in report["signals"] if signal["outcome"] == "sent"]
        if sent:
            return sent[0]
    raise AssertionError("a close crossing its moving average signals within a week of hours")


def _wait_until_started(stack: StackHandle, execution_arn: str, timeout_s: float = 90) -> None:
    sfn, deadline = stack.clients("stepfunctions"), time.monotonic() + timeout_s
    while True:
        try:
            sfn.describe_execution(executionArn=execution_arn)
            return
        except sfn.exceptions.ExecutionDoesNotExist:
            assert time.monotonic() < deadline, f"{execution_arn} never started"
            time.sleep(1)


def invoke(stack: StackHandle, event: dict[str, Any]) -> dict[str, Any]:
    response = stack.clients("lambda").invoke(
        FunctionName=stack.function("GenerateSignalsFunction"), Payload=json.dumps(event)
    )
    body: dict[str, Any] = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, body
    return body


def test_a_strategy_whose_informative_series_cannot_be_built_from_the_collected_base_is_refused(
    stack: StackHandle,
) -> None:
    btc_at_5m = {"exchange": "binance", "symbol": "BTC/USDT", "timeframe": "5m", "history_days": 0}
    enabled = stack.api("POST", "/assets/enable", scope="admin", json=btc_at_5m)
    assert enabled.status_code in (200, 201), enabled.text
    config = {**MARKET, "strategy_id": "btc-minutes", "strategy": "btc_minutes"}

    refused = stack.api("POST", "/strategies", scope="admin", json=config)

    assert refused.status_code == 400, refused.text
    assert "timeframe 1m is finer than the collected base timeframe 5m" in refused.text
