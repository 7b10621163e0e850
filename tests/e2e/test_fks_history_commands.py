"""A user's own strategy on downloaded history, with the ``fks`` commands only: ``fks data download``
fetches 1m candles from the exchange simulator through ccxt (with progress, resuming where it
stopped), then a strategy written by ``fks strategy new`` in a fresh folder is checked, backtested
and optimised on that folder; a strategy reading its informative daily bar before it closed, and one
peeking at the next bar, fail ``fks strategy check``. Only 1m candles are ever stored."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from fks.backtest.optimize import grid_search
from fks.market_data.series import CandleSeriesReader
from fks.market_data.storage import SeriesKey
from fks.strategies import get_strategy
from fks.strategies.inputs import read_strategy_candles
from fks.strategies.plugins import PLUGINS_PATH_ENV
from fks.strategies.registry import reload_plugins
from fks_cli.cli import main
from fks_cli.commands_backtest import parse_time
from fks_cli.folder_store import FolderCandleStore
from fks_exchange_sim import ExchangeSimulator, sample_candles

SINCE, UNTIL = "2024-01-01", "2024-01-11"
ETH = SeriesKey.of("binance", "ETH/USDT", "1m")

# ETH hourly, long while BTC's last *closed* day closed above the day before it: informative bars.
BTC_TREND = """
import numpy as np
from fks.strategies import Informative, Parameter, Strategy


class BtcDaily(Strategy):
    name = "btc_daily"
    description = "ETH long while BTC's last closed day rose."
    parameters = (Parameter(name="days", type="int", default=1, min=1, max=5, description="days compared"),)

    def informative(self, params):
        return (Informative.of("1d", "BTC/USDT", bars=int(params["days"])),)

    def warmup_bars(self, params):
        return 0

    def compute_targets(self, candles, params, cache):
        daily = candles.informative_series("1d", "BTC/USDT")
        close, days = daily.candles.close, int(params["days"])
        rose = np.full(close.shape, np.nan)
        rose[days:] = (close[days:] > close[:-days]).astype(float)
        return daily.align(rose)
"""
# The same, but it reads the day that is still running at the hour: it knows how the day ends.
BTC_PEEK = """
import numpy as np
from fks.strategies import Informative, Parameter, Strategy


class BtcToday(Strategy):
    name = "btc_today"
    description = "ETH long while BTC's running day will close up."
    parameters = (Parameter(name="days", type="int", default=1, min=1, max=5, description="unused"),)

    def informative(self, params):
        return (Informative.of("1d", "BTC/USDT"),)

    def warmup_bars(self, params):
        return 0

    def compute_targets(self, candles, params, cache):
        daily = candles.informative_series("1d", "BTC/USDT")
        today = np.minimum(daily.visible + 1, len(daily.candles) - 1)
        return (daily.candles.close[today] > daily.candles.open[today]).astype(float)
"""


@pytest.fixture(scope="module")
def simulator() -> Iterator[ExchangeSimulator]:
    with ExchangeSimulator(port=0) as sim:
        yield sim


@pytest.fixture(scope="module")
def history(simulator: ExchangeSimulator, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("history")
    for symbol in ("ETH/USDT", "BTC/USDT"):
        code = main(["data", "download", "--symbol", symbol, "--since", SINCE, "--until", UNTIL,
                     "--to", str(folder), "--exchange-url", simulator.url])  # fmt: skip
        assert code == 0
    return folder


@pytest.fixture
def plugin_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "my-strategies"
    monkeypatch.setenv(PLUGINS_PATH_ENV, str(folder))
    reload_plugins()
    yield folder
    monkeypatch.delenv(PLUGINS_PATH_ENV)
    reload_plugins()


def test_download_stores_what_the_venue_served_as_1m_candles_only_and_resumes_where_it_stopped(
    simulator: ExchangeSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    base = ["data", "download", "--symbol", "ETH/USDT", "--to", str(folder), "--exchange-url", simulator.url]

    first = main([*base, "--since", "2024-01-01", "--until", "2024-01-02T12:00"])
    first_out = capsys.readouterr().out
    again = main([*base, "--since", "2024-01-01", "--until", "2024-01-03"])
    again_out = capsys.readouterr().out

    assert (first, again) == (0, 0)
    assert "downloading [" in first_out
    assert "stored 2160 new candles" in first_out
    assert "resuming after the newest stored candle: from 2024-01-02T12:00:00+00:00" in again_out
    assert "stored 720 new candles" in again_out
    assert "missing" not in first_out + again_out  # the simulator's series has no holes
    store = FolderCandleStore(folder)
    stored = store.read(ETH, parse_time("2024-01-01", "since"), parse_time("2024-01-03", "until"))
    served = sample_candles("ETHUSDT", "1m", int(stored["open_time"].iloc[0]), int(stored["open_time"].iloc[-1]))
    assert stored["open_time"].tolist() == [row[0] for row in served]
    assert [Decimal(str(value)) for value in stored["close"]] == [Decimal(str(row[4])) for row in served]
    timeframes = {path.name for path in (folder / "candles/exchange=binance/symbol=ETH-USDT").iterdir()}
    assert timeframes == {"timeframe=1m"}
    assert main([*base, "--since", "2024-01-01", "--until", "2024-01-03"]) == 0
    assert "already stored" in capsys.readouterr().out


def test_an_unknown_symbol_is_named_before_anything_is_stored(simulator: ExchangeSimulator, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    code = main(["data", "download", "--symbol", "NOPE/USDT", "--since", SINCE, "--to", str(tmp_path / "d"),
                 "--exchange-url", simulator.url])  # fmt: skip

    assert code == 2
    assert "unknown symbol 'NOPE/USDT'" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()


def test_a_new_strategy_is_checked_backtested_and_optimised_on_downloaded_history(
    history: Path, plugin_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ["--data", str(history)]
    on_eth = ["--symbol", "ETH/USDT", "--timeframe", "1h", "--start", SINCE, "--end", UNTIL, *data]
    assert main(["strategy", "new", "my_trend", "--dir", str(plugin_folder)]) == 0
    reload_plugins()

    checked = main(["strategy", "check", "my_trend", *on_eth])
    check_out = capsys.readouterr().out
    backtested = main(["backtest", "--strategy", "my_trend", *on_eth, "--out", str(tmp_path / "plots")])
    backtest_out = capsys.readouterr().out

    assert (checked, backtested) == (0, 0)
    assert "lookahead: ok" in check_out
    assert "warm-up: ok" in check_out
    assert f"loaded 240 1h bars of ETH/USDT from stored ({history}) 1m candles" in backtest_out
    assert len(list((tmp_path / "plots").glob("*.png"))) == 2
    # The optimiser of the backtests function, on the same downloaded bars: a best cell exists.
    reader = CandleSeriesReader(FolderCandleStore(history))
    key = SeriesKey.of("binance", "ETH/USDT", "1h")
    candles = read_strategy_candles(reader, get_strategy("my_trend"), {}, key, *_range())
    search = grid_search(candles, get_strategy("my_trend"), {"window": [5, 10, 20]}, None, "sharpe")
    assert search.best[0]["window"] in (5, 10, 20)


def test_an_informative_strategy_passes_check_and_one_reading_the_running_day_fails_it(
    history: Path, plugin_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plugin_folder.mkdir()
    (plugin_folder / "btc_daily.py").write_text(textwrap.dedent(BTC_TREND))
    (plugin_folder / "btc_today.py").write_text(textwrap.dedent(BTC_PEEK))
    reload_plugins()
    on_eth = ["--symbol", "ETH/USDT", "--timeframe", "1h", "--start", "2024-01-03", "--end", UNTIL,
              "--data", str(history)]  # fmt: skip

    honest = main(["strategy", "check", "btc_daily", *on_eth])
    honest_out = capsys.readouterr().out
    peeking = main(["strategy", "check", "btc_today", *on_eth])
    peeking_out = capsys.readouterr().out

    assert honest == 0, honest_out
    assert "lookahead: ok" in honest_out
    assert peeking == 1
    assert "lookahead: FAILED at bar" in peeking_out
    # The daily trend ETH traded on is BTC's, built from BTC's stored minutes: it changes day by day.
    key = SeriesKey.of("binance", "ETH/USDT", "1h")
    candles = read_strategy_candles(CandleSeriesReader(FolderCandleStore(history)), get_strategy("btc_daily"), {},
                                    key, *_range("2024-01-03"))  # fmt: skip
    targets = get_strategy("btc_daily").target_positions(candles)
    # A day is seen from the hour that closes with it (23:00, closing at midnight) to the next 22:00.
    seen_days = targets[23 : 23 + 24 * ((len(targets) - 23) // 24)].reshape(-1, 24)
    assert all(len(np.unique(day)) == 1 for day in seen_days)
    assert len(np.unique(seen_days[:, 0])) > 1


def _range(since: str = SINCE) -> tuple[int, int]:
    return parse_time(since, "start"), parse_time(UNTIL, "end")


def test_minutes_the_venue_does_not_have_are_reported_missing(
    simulator: ExchangeSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The simulator's history starts at 2024-01-01T00:00: the hour before it does not exist there.
    code = main(["data", "download", "--symbol", "ETH/USDT", "--since", "2023-12-31T23:00", "--until",
                 "2024-01-01T01:00", "--to", str(tmp_path), "--exchange-url", simulator.url])  # fmt: skip

    out = capsys.readouterr().out
    assert code == 0
    assert "stored 60 new candles" in out
    assert "binance:ETH/USDT:1m: 60 of 120 candles in the range are missing" in out
