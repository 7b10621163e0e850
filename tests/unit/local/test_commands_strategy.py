"""``fks strategy new`` writes a working plugin; ``fks strategy check`` fails a strategy that peeks."""

from __future__ import annotations

import importlib.util
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from fks.strategies.plugins import PLUGINS_PATH_ENV
from fks.strategies.registry import reload_plugins
from fks_cli.cli import main

# Peeks: the target at bar t is the direction of the next bar's close.
PEEKING = """
import numpy as np
from fks.strategies import Parameter, Strategy


class NextBar(Strategy):
    name = "next_bar"
    description = "Knows the next close."
    parameters = (Parameter(name="window", type="int", default=5, min=2, max=50, description="unused"),)

    def warmup_bars(self, params):
        return int(params["window"])

    def compute_targets(self, candles, params, cache):
        ahead = np.append(candles.close[1:], candles.close[-1])
        return np.sign(ahead - candles.close)
"""
# Causal but seeded from the first bar: long while the close is above its all-history mean.
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
    reload_plugins()
    yield tmp_path
    monkeypatch.delenv(PLUGINS_PATH_ENV)
    reload_plugins()


def _plugin(folder: Path, name: str, source: str) -> None:
    (folder / f"{name}.py").write_text(textwrap.dedent(source))
    reload_plugins()


def test_new_writes_a_strategy_its_test_and_docs_that_check_and_backtest(
    plugin_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["strategy", "new", "my_trend", "--dir", str(plugin_folder)])
    reload_plugins()

    assert code == 0
    assert sorted(p.name for p in plugin_folder.iterdir()) == ["my_trend.md", "my_trend.py", "test_my_trend.py"]
    assert main(["strategy", "check", "my_trend", "--sample"]) == 0
    out = capsys.readouterr().out
    assert "lookahead: ok" in out
    assert "warm-up: ok" in out
    backtest = ["backtest", "--strategy", "my_trend", "--symbol", "BTC/USDT", "--start", "2024-01-01"]
    assert main([*backtest, "--end", "2024-02-01", "--sample", "--out", str(plugin_folder / "plots")]) == 0
    assert "final_equity" in capsys.readouterr().out


def test_the_written_unit_test_passes(plugin_folder: Path) -> None:
    main(["strategy", "new", "my_trend", "--dir", str(plugin_folder)])
    spec = importlib.util.spec_from_file_location("test_my_trend", plugin_folder / "test_my_trend.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    tests = [getattr(module, name) for name in dir(module) if name.startswith("test_")]
    for test in tests:
        test()

    assert len(tests) == 3


def test_new_refuses_a_bad_name_or_to_overwrite(plugin_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["strategy", "new", "My-Trend", "--dir", str(plugin_folder)]) == 2
    assert "name 'My-Trend' must match" in capsys.readouterr().err
    assert main(["strategy", "new", "my_trend", "--dir", str(plugin_folder)]) == 0
    assert main(["strategy", "new", "my_trend", "--dir", str(plugin_folder)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err


def test_check_fails_a_peeking_strategy_naming_the_first_offending_bar(
    plugin_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _plugin(plugin_folder, "next_bar", PEEKING)

    code = main(["strategy", "check", "next_bar", "--timeframe", "4h", "--sample"])

    out = capsys.readouterr().out
    assert code == 1
    # The last bar of the shortest cut is the first whose answer changes without the next bar.
    assert "lookahead: FAILED at bar 6 (2024-01-02T00:00:00+00:00)" in out


def test_check_fails_a_strategy_whose_targets_depend_on_where_history_starts(
    plugin_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _plugin(plugin_folder, "above_history_mean", HISTORY_BOUND)

    code = main(["strategy", "check", "above_history_mean", "--sample"])

    out = capsys.readouterr().out
    assert code == 1
    assert "lookahead: ok" in out
    assert "warm-up: FAILED at bar" in out
    assert "with history starting at bar" in out


def test_check_of_an_unknown_strategy_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["strategy", "check", "nope", "--sample"]) == 2
    assert "unknown strategy 'nope'" in capsys.readouterr().err
