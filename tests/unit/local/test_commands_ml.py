import io
import json
from pathlib import Path

from fks_cli.cli import build_parser
from fks_cli.commands_ml import run


def _run(tmp_path: Path, *argv: str) -> tuple[int, str, str]:
    args = build_parser().parse_args(["ml", *argv, "--sample", "--out", str(tmp_path)])
    out, err = io.StringIO(), io.StringIO()
    return run(args, out, err), out.getvalue(), err.getvalue()


def test_ml_train_prints_out_of_sample_figures_next_to_baselines_and_writes_models_and_plot(tmp_path: Path) -> None:
    code, out, _ = _run(tmp_path, "train", "--symbol", "BTC/USDT", "--start", "2024-01-01", "--end", "2024-02-20")

    assert code == 0
    assert "... walk-forward forecasts" in out
    for row in (
        "model (walk-forward)",
        "majority baseline",
        "persistence baseline",
        "buy-and-hold",
        "with regime gate",
    ):
        assert row in out
    assert (tmp_path / "BTC-USDT_1h_regimes.png").read_bytes()[:4] == b"\x89PNG"
    regime = json.loads((tmp_path / "BTC-USDT_1h_regime_model.json").read_text())
    assert regime["kind"] == "gaussian_hmm"
    assert (tmp_path / "BTC-USDT_1h_forecast_model.json").stat().st_size > 0


def test_ml_evaluate_on_too_short_a_range_exits_2_naming_the_minimum(tmp_path: Path) -> None:
    code, _, err = _run(tmp_path, "evaluate", "--symbol", "BTC/USDT", "--start", "2024-01-01", "--end", "2024-01-10")

    assert code == 2
    assert "training needs at least 1144 bars, got 216" in err
