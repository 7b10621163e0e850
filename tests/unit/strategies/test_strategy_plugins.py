"""Plugin strategies: found beside the built-ins, and a broken one reported without harm."""

import textwrap

import pytest

from fks.backtest import BacktestConfig, run_backtest
from fks.errors import BadRequest
from fks.strategies import get_strategy, strategy_names
from fks.strategies.plugins import PLUGINS_PATH_ENV
from fks.strategies.registry import broken_plugins, built_in_names, is_plugin, plugin_module, reload_plugins
from tests.unit.backtest.stubs import BUILT_IN_STRATEGIES as BUILT_IN
from tests.unit.backtest.stubs import MODEL_STRATEGIES, CandleStubs

GOOD = """
from fks.indicators import sma
from fks.strategies import Parameter, Strategy


class AboveAverage(Strategy):
    name = "above_average"
    description = "Long while the close is above its SMA."
    parameters = (Parameter(name="window", type="int", default=20, min=2, max=500, description="SMA window"),)

    def warmup_bars(self, params):
        return int(params["window"])

    def compute_targets(self, candles, params, cache):
        return (candles.close > sma(candles.close, int(params["window"]))).astype(float)
"""
IMPORT_ERROR = "import not_a_real_module\n"
BAD_DEFAULT = GOOD.replace("above_average", "bad_default").replace("default=20", "default=1")
NOT_PARAMETERS = GOOD.replace('"above_average"', '"not_parameters"').replace(
    "parameters = (Parameter(", "parameters = (dict("
)
CLASHES = GOOD.replace('"above_average"', '"sma_cross"')
BAD_NAME = GOOD.replace('"above_average"', '"Has Spaces"')


@pytest.fixture
def plugin_folder(tmp_path, monkeypatch):
    """A development folder of plugins (FKS_STRATEGY_PLUGINS_PATH), forgotten after the test."""
    monkeypatch.setenv(PLUGINS_PATH_ENV, str(tmp_path))
    yield tmp_path
    monkeypatch.delenv(PLUGINS_PATH_ENV)
    reload_plugins()


def _write(folder, files):
    for name, source in files.items():
        (folder / name).write_text(textwrap.dedent(source))
    reload_plugins()


def test_the_example_plugin_is_listed_after_the_built_ins():
    names = strategy_names()

    built_in = BUILT_IN + MODEL_STRATEGIES
    assert names[: len(built_in)] == built_in == built_in_names()
    assert "rsi_trend" in names[len(built_in) :]
    assert is_plugin("rsi_trend")
    assert not is_plugin("sma_cross")
    assert plugin_module("rsi_trend") == "fks_user_strategies.rsi_trend"


def test_a_folder_plugin_is_found_and_backtests_like_a_built_in(plugin_folder):
    _write(plugin_folder, {"above_average.py": GOOD})

    strategy = get_strategy("above_average")
    result = run_backtest(CandleStubs.waves(), "above_average", {"window": 10}, BacktestConfig())

    assert strategy.validate_params({}) == {"window": 20}
    assert result.trade_count >= 1
    assert {trade.side for trade in result.trades} == {"long"}


def test_broken_plugins_are_reported_by_name_and_the_rest_still_load(plugin_folder):
    _write(
        plugin_folder,
        {
            "above_average.py": GOOD,
            "needs_missing.py": IMPORT_ERROR,
            "bad_default.py": BAD_DEFAULT,
            "not_parameters.py": NOT_PARAMETERS,
            "clashes.py": CLASHES,
            "bad_name.py": BAD_NAME,
            "_helpers.py": IMPORT_ERROR,  # private: not a plugin, never imported
            "test_above_average.py": IMPORT_ERROR,  # a plugin's test: not a plugin
        },
    )

    broken = {entry.name: entry.reason for entry in broken_plugins()}
    names = strategy_names()

    assert set(broken) == {"needs_missing", "bad_default", "not_parameters", "sma_cross", "Has Spaces"}
    assert "No module named 'not_a_real_module'" in broken["needs_missing"]
    # A Parameter refuses a bad default as the module is imported: reported under the module's name.
    assert "default of window is invalid: parameter window must be >= 2" in broken["bad_default"]
    assert "parameters must be a tuple of fks.strategies.Parameter" in broken["not_parameters"]
    assert "already used by a built-in strategy" in broken["sma_cross"]
    assert "name must match" in broken["Has Spaces"]
    assert names[: len(BUILT_IN)] == BUILT_IN
    assert "above_average" in names
    assert "rsi_trend" in names
    assert get_strategy("sma_cross").__class__.__module__ == "fks.strategies.crossovers"


def test_asking_for_a_broken_plugin_is_a_bad_request_with_its_reason(plugin_folder):
    _write(plugin_folder, {"not_parameters.py": NOT_PARAMETERS})

    with pytest.raises(BadRequest, match="strategy 'not_parameters' is a broken plugin: bad declaration"):
        get_strategy("not_parameters")


def test_two_plugins_with_one_name_keep_the_first_and_report_the_second(plugin_folder):
    _write(plugin_folder, {"a_first.py": GOOD, "b_second.py": GOOD})

    broken = broken_plugins()

    assert plugin_module("above_average") == "a_first"
    assert [(entry.name, entry.module) for entry in broken] == [("above_average", "b_second")]
    assert "already used by module a_first" in broken[0].reason
