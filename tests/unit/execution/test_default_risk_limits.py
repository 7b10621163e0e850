"""The template's default ``ExecutionRiskLimits`` are read by the Rust engine as they stand, and
they stop an order of absurd size (the ~$33M market order that once reached the simulator)."""

from __future__ import annotations

import json

import pytest
import yaml

from fks.errors import RiskDenied
from fks_execution import Engine
from fks_local.stack import PROJECT_ROOT
from tests.unit.execution.stubs import ACCOUNT, MARK, InstrumentStubs, OrderStubs


class _CfnLoader(yaml.SafeLoader):
    pass


# The template's intrinsic tags (!Ref, !Sub, ...) are not needed here: read each as its value.
_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _default_limits() -> str:
    template = yaml.load((PROJECT_ROOT / "template.yaml").read_text(), Loader=_CfnLoader)
    return str(template["Parameters"]["ExecutionRiskLimits"]["Default"])


def _engine() -> Engine:
    engine = Engine(ACCOUNT, _default_limits())
    engine.add_instrument(json.dumps(InstrumentStubs.btcusdt()))
    return engine


def test_default_limits_cap_order_and_position_size() -> None:
    limits = json.loads(_default_limits())

    assert limits["max_order_notional"]
    assert limits["position_limit"]["max_notional"]


def test_default_limits_refuse_a_33_million_market_order() -> None:
    with pytest.raises(RiskDenied, match="MaxOrderNotional"):
        _engine().submit(OrderStubs.market_buy(quantity="790"), 1, MARK)  # 790 x 42000


def test_default_limits_let_an_ordinary_order_through() -> None:
    report = json.loads(_engine().submit(OrderStubs.market_buy(quantity="0.01"), 1, MARK))

    assert report["status"] != "denied", report
