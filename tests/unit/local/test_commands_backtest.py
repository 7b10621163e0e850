"""``fks backtest`` on the bundled sample candles: metrics, plots and errors that name the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from fks_cli.cli import main
from tests.unit.backtest.stubs import BUILT_IN_STRATEGIES

RANGE = ["--symbol", "BTC/USDT", "--timeframe", "1h", "--start", "2025-01-01", "--end", "2025-03-01"]


def _backtest(tmp_path: Path, *args: str) -> int:
    return main(["backtest", *RANGE, "--sample", "--out", str(tmp_path), *args])


@pytest.mark.parametrize("strategy", BUILT_IN_STRATEGIES)
def test_backtest_of_each_built_in_prints_metrics_and_writes_both_plots(
    strategy: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _backtest(tmp_path, "--strategy", strategy)

    out = capsys.readouterr().out
    assert code == 0
    assert "loading candles [" in out
    assert "100%" in out
    assert "final_equity" in out
    assert "sharpe" in out
    pngs = sorted(tmp_path.glob("*.png"))
    assert [p.name for p in pngs] == [f"{strategy}_BTC-USDT_1h_equity.png", f"{strategy}_BTC-USDT_1h_trades.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)


def test_backtest_with_param_uses_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    default_code = _backtest(tmp_path, "--strategy", "sma_cross")
    default_out = capsys.readouterr().out
    tuned_code = _backtest(tmp_path, "--strategy", "sma_cross", "--param", "fast=5", "--param", "slow=50")
    tuned_out = capsys.readouterr().out

    assert default_code == tuned_code == 0
    assert _line(default_out, "trade_count") != _line(tuned_out, "trade_count")


def test_backtest_is_deterministic_on_bundled_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _backtest(tmp_path, "--strategy", "macd")
    first = capsys.readouterr().out
    _backtest(tmp_path, "--strategy", "macd")

    assert _line(capsys.readouterr().out, "final_equity") == _line(first, "final_equity")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--strategy", "nope"], "unknown strategy 'nope'"),
        (["--strategy", "sma_cross", "--param", "speed=3"], "unknown parameter 'speed'"),
        (["--strategy", "sma_cross", "--param", "fast=0"], "parameter fast must be >= 2"),
        (["--strategy", "sma_cross", "--param", "fast"], "--param expects NAME=VALUE"),
        (["--strategy", "sma_cross", "--param", "fast=40"], "fast"),
        (["--strategy", "sma_cross", "--timeframe", "7m"], "unsupported timeframe '7m'"),
        (["--strategy", "sma_cross", "--symbol", "DOGE/USDT"], "no bundled candles for DOGE/USDT"),
        (["--strategy", "sma_cross", "--start", "2025-03-01", "--end", "2025-01-01"], "is not before end"),
        (["--strategy", "sma_cross", "--start", "first of may"], "--start 'first of may' is not a date"),
        (["--strategy", "sma_cross", "--start", "2025-01-01", "--end", "2025-01-02"], "needs at least 32 bars"),
        (["--strategy", "sma_cross", "--start", "2020-01-01", "--end", "2020-02-01"], "no sample candles of BTC/USDT"),
        (["--strategy", "sma_cross", "--sizing", "quote"], "sizing 'quote' needs quote_amount"),
        (["--strategy", "sma_cross", "--slippage-bps", "-1"], "--slippage-bps: Input should be greater than"),
        (["--strategy", "sma_cross", "--fraction", "2"], "--fraction: Input should be less than or equal to 1"),
        (["--strategy", "sma_cross", "--exchange", "okx"], "exchange 'okx' has no fee schedule"),
    ],
)
def test_backtest_with_bad_input_exits_2_naming_it(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _backtest(tmp_path, *args)

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("fks backtest: error: ")
    assert message in err
    assert not list(tmp_path.glob("*.png"))


def _line(out: str, name: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(name))


def test_without_sample_the_backtest_reads_stored_history_and_names_how_to_fill_an_empty_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "history"

    code = main(["backtest", *RANGE, "--strategy", "sma_cross", "--data", str(empty), "--out", str(tmp_path)])

    err = capsys.readouterr().err
    assert code == 2
    assert f"no stored 1h bars of binance:BTC/USDT:1h in {empty}" in err
    assert "fks data download" in err
    assert "--sample" in err


def test_a_model_strategy_without_stored_models_is_refused_naming_what_it_needs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _backtest(tmp_path, "--strategy", "ml_forecast")
    bad = _backtest(tmp_path, "--strategy", "ml_forecast", "--models", str(tmp_path))

    err = capsys.readouterr().err
    assert (code, bad) == (2, 2)
    assert "strategy ml_forecast evaluates stored models, and no model store is available here" in err
    assert "--models expects s3://BUCKET" in err


def test_backtest_takes_a_strategys_execution_settings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Fees default to the venue's schedule: naming zero fees makes the same trades end richer."""
    _backtest(tmp_path, "--strategy", "sma_cross", "--quantity", "0.1")
    venue_fees = capsys.readouterr().out
    _backtest(tmp_path, "--strategy", "sma_cross", "--quantity", "0.1", "--maker-fee-bps", "0", "--taker-fee-bps", "0")
    free = capsys.readouterr().out
    code = _backtest(tmp_path, "--strategy", "sma_cross", "--quantity", "0.1", "--allow-short", "--stop-loss-pct", "1")
    short_and_stopped = capsys.readouterr().out

    assert code == 0
    assert _line(venue_fees, "trade_count") == _line(free, "trade_count")
    assert _number(venue_fees, "final_equity") < _number(free, "final_equity")
    assert _number(short_and_stopped, "trade_count") > _number(free, "trade_count")


def _number(out: str, name: str) -> float:
    return float(_line(out, name).split()[-1].replace(",", ""))
