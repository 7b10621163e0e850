"""Deployed strategy configurations and how far back their evaluation reads."""

from __future__ import annotations

import pytest

from fks.errors import BadRequest
from fks.signals import ApprovalMode
from fks.strategies.configs import StrategyConfig, StrategyUpdate
from fks.strategies.scheduled import lookback_bars


def _config(**overrides: object) -> StrategyConfig:
    fields: dict[str, object] = {"strategy_id": "sma-1", "strategy": "sma_cross", "symbol": "btc/usdt"}
    fields.update(overrides)
    return StrategyConfig.model_validate(fields)


def test_config_fills_default_parameters_and_normalises_the_symbol() -> None:
    config = _config(params={"fast": 5})

    assert config.params == {"fast": 5, "slow": 30}
    assert config.symbol == "BTC/USDT"
    assert config.active is False


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"fastest": 5}, "unknown parameter 'fastest'"),
        ({"fast": 1}, "parameter fast must be >= 2"),
        ({"fast": 40}, "fast (40) must be shorter than slow (30)"),
        ({"fast": "ten"}, "parameter fast must be a number"),
    ],
)
def test_config_with_bad_parameter_is_bad_request_naming_it(params: dict[str, object], named: str) -> None:
    with pytest.raises(BadRequest) as raised:
        _config(params=params)

    assert named in raised.value.message


def test_config_with_unknown_strategy_is_bad_request() -> None:
    with pytest.raises(BadRequest, match="unknown strategy 'smac'"):
        _config(strategy="smac")


def test_update_merges_parameters_and_revalidates() -> None:
    current = _config(params={"fast": 5, "slow": 50})

    updated = StrategyUpdate(params={"fast": 8}, mode=ApprovalMode.MANUAL).apply(current)

    assert updated.params == {"fast": 8, "slow": 50}
    assert updated.mode is ApprovalMode.MANUAL
    with pytest.raises(BadRequest, match="fast"):
        StrategyUpdate(params={"fast": 60}).apply(current)


def test_lookback_covers_warm_up_several_times() -> None:
    assert lookback_bars(_config(params={"fast": 5, "slow": 50})) == 3 * (50 + 2)
