"""The integration tier's chain on the second target: the same test functions as the moto target
runs (imported, so there is one copy), against the stack ``sam deploy`` put into MiniStack."""

from __future__ import annotations

import pytest

from tests.integration.test_pipeline_end_to_end import test_candles_to_signal_to_fill_to_portfolio

pytestmark = pytest.mark.second_target

__all__ = ["test_candles_to_signal_to_fill_to_portfolio"]
