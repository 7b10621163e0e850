import pytest

from fks.errors import BadRequest
from fks.strategies import get_strategy, strategy_names
from tests.unit.backtest.stubs import BUILT_IN_STRATEGIES as BUILT_IN


def test_the_six_built_in_strategies_are_registered_by_name_before_any_plugin():
    assert strategy_names()[: len(BUILT_IN)] == BUILT_IN
    assert [get_strategy(name).name for name in BUILT_IN] == BUILT_IN


def test_an_unknown_strategy_is_a_bad_request_listing_the_known_names():
    with pytest.raises(BadRequest, match="unknown strategy 'sma'; known strategies: sma_cross, ema_cross") as caught:
        get_strategy("sma")

    assert caught.value.details["known"][: len(BUILT_IN)] == BUILT_IN


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_built_in_declares_described_parameters_with_valid_defaults(name):
    strategy = get_strategy(name)

    assert strategy.description
    assert all(parameter.description for parameter in strategy.parameters)
    assert strategy.validate_params({}) == {p.name: p.default for p in strategy.parameters}
