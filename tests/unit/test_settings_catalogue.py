"""The settings' models: what the settings API accepts is what the enforcing functions can read."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from fks.errors import BadRequest, NotFound
from fks.pipeline.risk import PortfolioLimits
from fks.settings import SETTINGS, ExecutionRiskLimits, setting, validate_setting

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)


def test_each_template_default_is_a_valid_first_value_of_its_setting() -> None:
    parameters = yaml.load(TEMPLATE.read_text(), Loader=_Loader)["Parameters"]
    for item in SETTINGS.values():
        validate_setting(item.name, json.loads(parameters[item.template_parameter]["Default"]))


def test_execution_limits_read_like_the_engine_reads_them() -> None:
    limits = validate_setting(
        "execution_risk_limits",
        {"max_order_notional": "250000", "order_rate": {"max_orders": 10, "window_ms": 60000}},
    )

    assert isinstance(limits, ExecutionRiskLimits)
    assert limits.max_order_notional == Decimal("250000")
    assert setting("execution_risk_limits").effective({})["position_limits"] == {}


def test_unknown_keys_are_named_at_every_depth() -> None:
    with pytest.raises(BadRequest) as refused:
        validate_setting("execution_risk_limits", {"position_limit": {"max_notionl": "5"}, "max_orders": 3})

    assert refused.value.details["unknown"] == ["value.position_limit.max_notionl", "value.max_orders"]
    assert "value.position_limit.max_notionl" in refused.value.message


def test_a_wrong_value_names_its_key_and_an_unknown_setting_lists_the_known_ones() -> None:
    with pytest.raises(BadRequest, match=r"value\.max_symbol_weight"):
        validate_setting("portfolio_limits", {"max_symbol_weight": "1.5"})
    with pytest.raises(BadRequest, match=r"value\.max_order_notional"):
        validate_setting("execution_risk_limits", {"max_order_notional": "0"})  # must be positive
    with pytest.raises(NotFound, match="portfolio_limits"):
        validate_setting("leverage", {})


def test_portfolio_limits_keep_their_model_defaults_when_left_out() -> None:
    assert validate_setting("portfolio_limits", {}) == PortfolioLimits()


def test_without_a_settings_store_a_function_uses_the_templates_initial_value() -> None:
    from fks_adapters.settings import SettingsReader

    initial = SettingsReader(None, initial={"portfolio_limits": '{"max_open_positions": 3}'})
    assert initial.current("portfolio_limits").max_open_positions == 3
    assert SettingsReader(None).current("portfolio_limits") == PortfolioLimits()  # none: the model's defaults

    broken = SettingsReader(None, initial={"portfolio_limits": '{"max_open_positionz": 3}'})
    with pytest.raises(BadRequest, match="FKS_PORTFOLIO_LIMITS"):
        broken.current("portfolio_limits")
