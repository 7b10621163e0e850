from fks.backtest import run_backtest
from fks.backtest.plots import plot_equity_drawdown, plot_trades
from fks.strategies import get_strategy
from tests.unit.backtest.stubs import CandleStubs

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_equity_and_drawdown_and_trades_charts_are_written_as_png(tmp_path):
    # Arrange
    candles = CandleStubs.waves()
    result = run_backtest(candles, get_strategy("sma_cross"))

    # Act
    equity_png = plot_equity_drawdown(result, tmp_path / "charts" / "equity.png")
    trades_png = plot_trades(candles, result, tmp_path / "trades.png")

    # Assert
    assert equity_png.read_bytes().startswith(PNG_SIGNATURE)
    assert trades_png.read_bytes().startswith(PNG_SIGNATURE)
    assert trades_png.stat().st_size > 10_000
