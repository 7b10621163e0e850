import pydantic
import pytest

from fks.errors import BadRequest
from fks.strategies import Parameter, get_strategy


def test_validate_params_fills_defaults_for_missing_parameters():
    assert get_strategy("sma_cross").validate_params({}) == {"fast": 10, "slow": 30}


def test_validate_params_names_the_unknown_parameter_and_the_known_ones():
    with pytest.raises(
        BadRequest, match=r"unknown parameter 'fats' for strategy sma_cross; known parameters: fast, slow"
    ):
        get_strategy("sma_cross").validate_params({"fats": 5})


def test_validate_params_names_the_out_of_range_value_and_its_bound():
    with pytest.raises(BadRequest, match=r"parameter fast must be >= 2, got 1") as caught:
        get_strategy("sma_cross").validate_params({"fast": 1})

    assert caught.value.details == {"parameter": "fast"}
    assert caught.value.status_code == 400


def test_an_int_parameter_rejects_a_fraction_but_accepts_an_integral_json_float():
    strategy = get_strategy("sma_cross")

    with pytest.raises(BadRequest, match=r"parameter slow must be an integer, got 30\.5"):
        strategy.validate_params({"slow": 30.5})
    assert strategy.validate_params({"slow": 40.0})["slow"] == 40
    assert isinstance(strategy.validate_params({"slow": 40.0})["slow"], int)


@pytest.mark.parametrize("value", [True, "20", None, float("nan")])
def test_a_number_parameter_rejects_booleans_strings_none_and_nan(value):
    with pytest.raises(BadRequest, match="parameter window must be"):
        get_strategy("bollinger_breakout").validate_params({"window": value})


def test_a_float_parameter_coerces_an_int():
    assert get_strategy("bollinger_breakout").validate_params({"num_std": 3})["num_std"] == 3.0


def test_a_rule_between_parameters_fast_shorter_than_slow_is_enforced():
    with pytest.raises(BadRequest, match=r"fast \(30\) must be shorter than slow \(30\)"):
        get_strategy("ema_cross").validate_params({"fast": 30, "slow": 30})


def test_rsi_levels_must_be_ordered_lower_exit_upper():
    with pytest.raises(BadRequest, match="lower < exit_level < upper"):
        get_strategy("rsi_reversion").validate_params({"lower": 60, "upper": 70})


def test_a_choice_parameter_accepts_only_its_choices():
    # Arrange
    mode = Parameter(name="mode", type="choice", default="long", choices=("long", "short"), description="side")

    # Act / Assert
    assert mode.coerce("short") == "short"
    with pytest.raises(BadRequest, match="parameter mode must be one of long, short, got 'both'"):
        mode.coerce("both")


def test_a_parameter_declared_with_a_default_outside_its_range_fails_at_declaration():
    with pytest.raises(pydantic.ValidationError, match="default of window is invalid"):
        Parameter(name="window", type="int", default=1, min=2, max=10, description="bars")


def test_parameters_are_frozen_and_forbid_extra_fields():
    window = get_strategy("sma_cross").parameters[0]

    with pytest.raises(pydantic.ValidationError):
        window.default = 3  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        Parameter(name="x", type="int", default=1, description="d", step=1)  # type: ignore[call-arg]
