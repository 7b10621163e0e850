from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from fks.errors import BadRequest
from fks_ninja.config import AccountConfig, Mode, load_config
from tests.unit.ninja_bridge.stubs import ConfigStubs

YAML = """
mode: dry-run
incoming: C:/Users/t/Documents/NinjaTrader 8/incoming
outgoing: C:/Users/t/Documents/NinjaTrader 8/outgoing
dry_run_folder: /tmp/oif
queue_url: https://sqs.us-east-1.amazonaws.com/1/fks-ninjatrader-prod
accounts:
  main: {nt8_account: TS50K-001, profile: topstep, rules: {max_contracts: 3}}
instruments:
  ES: {point_value: 50}
"""


def test_yaml_config_loads_with_profile_overrides(tmp_path: Path) -> None:
    path = tmp_path / "bridge.yaml"
    path.write_text(YAML)

    config = load_config(path)

    rules = config.accounts["main"].effective_rules()
    assert config.mode is Mode.DRY_RUN
    assert (rules.name, rules.max_contracts, rules.daily_loss_limit) == ("topstep", 3, Decimal(1000))


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown profile"):
        AccountConfig(nt8_account="A", profile="bluesky")


def test_custom_profile_without_max_contracts_is_refused() -> None:
    with pytest.raises(ValidationError, match="max_contracts"):
        AccountConfig(nt8_account="A", profile="custom")


def test_dry_run_without_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="dry_run_folder"):
        ConfigStubs.bridge(tmp_path, mode="dry-run")


def test_invalid_config_file_names_the_bad_field(tmp_path: Path) -> None:
    path = tmp_path / "bridge.json"
    path.write_text('{"incoming": "a", "outgoing": "b", "queue_url": "q", "accounts": {}, "instruments": {}, "x": 1}')

    with pytest.raises(BadRequest, match="x: Extra inputs"):
        load_config(path)


def test_example_config_shipped_with_the_bridge_loads() -> None:
    example = Path(__file__).resolve().parents[3] / "ninja_bridge" / "bridge.example.yaml"

    config = load_config(example)

    assert config.accounts["own"].effective_rules().news_blackouts[0].name == "NFP"
    assert config.accounts["fxify-50k"].effective_rules().max_contracts == 3
