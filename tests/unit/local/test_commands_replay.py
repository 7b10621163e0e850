"""``fks replay``: history fed to a strategy bar by bar as generate_signals would, checked against
the backtest's view of the same bars."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from fks.strategies.plugins import PLUGINS_PATH_ENV
from fks.strategies.registry import reload_plugins
from fks_cli.cli import main

RANGE = ["--symbol", "BTC/USDT", "--timeframe", "4h", "--start", "2024-01-05", "--end", "2024-02-15", "--sample"]
# Causal but seeded from the first bar: what it says depends on where its history starts.
HISTORY_BOUND = """
import numpy as np
from fks.strategies import Parameter, Strategy


class AboveHistoryMean(Strategy):
    name = "above_history_mean"
    description = "Long above the mean of every close since the series began."
    parameters = (Parameter(name="window", type="int", default=5, min=2, max=50, description="warm-up"),)

    def warmup_bars(self, params):
        return int(params["window"])

    def compute_targets(self, candles, params, cache):
        mean = np.cumsum(candles.close) / np.arange(1, len(candles) + 1)
        return (candles.close > mean).astype(float)
"""


@pytest.fixture
def plugin_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(PLUGINS_PATH_ENV, str(tmp_path))
    (tmp_path / "above_history_mean.py").write_text(textwrap.dedent(HISTORY_BOUND))
    reload_plugins()
    yield tmp_path
    monkeypatch.delenv(PLUGINS_PATH_ENV)
    reload_plugins()


def test_replay_prints_each_signal_live_would_send_and_agrees_with_the_backtest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["replay", "--strategy", "sma_cross", "--param", "fast=3", "--param", "slow=8", *RANGE])

    out = capsys.readouterr().out
    assert code == 0
    assert "replayed 246 4h bars of BTC/USDT" in out
    assert ", 0 bars where live and the backtest disagree" in out
    signals = [line for line in out.splitlines() if line.endswith((" buy", " sell"))]
    assert signals
    assert f": {len(signals)} signals," in out


def test_replay_of_a_strategy_sized_by_quote_amount_judges_the_same_bars(capsys: pytest.CaptureFixture[str]) -> None:
    # Which bars signal does not depend on the sizing (no venue or account is read for it).
    code = main(["replay", "--strategy", "sma_cross", "--sizing", "quote", "--quote-amount", "100", *RANGE])

    assert code == 0
    assert ", 0 bars where live and the backtest disagree" in capsys.readouterr().out


def test_replay_of_a_strategy_bound_to_where_history_starts_names_the_bars_and_exits_1(
    plugin_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["replay", "--strategy", "above_history_mean", *RANGE])

    out = capsys.readouterr().out
    assert code == 1
    assert "MISMATCH: live" in out


@pytest.mark.parametrize(
    ("change", "message"),
    [(["--timeframe", "7m"], "timeframe"), (["--param", "speed=3"], "unknown parameter 'speed'"),
     (["--symbol", "BTCUSDT"], "symbol")],
)  # fmt: skip
def test_replay_with_bad_input_exits_2_naming_it(
    change: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["replay", "--strategy", "sma_cross", *RANGE, *change])

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("fks replay: error: ")
    assert message in err
