"""The data bucket's lifecycle rules, as deployed from template.yaml (issue 24): a candle file's
noncurrent versions (one per minute's collection) go after a day; backtest and optimisation
results after BacktestRetentionDays; models only when ModelRetentionDays is set."""

from __future__ import annotations

from typing import Any

import pytest

from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only


def _rules(local_stack: StackHandle) -> dict[str, dict[str, Any]]:
    bucket = local_stack.function("DataBucket")
    rules = local_stack.clients("s3").get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    return {rule["ID"]: rule for rule in rules}


def test_noncurrent_candle_versions_expire_after_one_day(local_stack: StackHandle) -> None:
    rule = _rules(local_stack)["candles-noncurrent-versions"]

    assert rule["Status"] == "Enabled"
    assert rule["Filter"] == {"Prefix": "candles/"}
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == 1
    assert "Expiration" not in rule  # the current file holds every candle: it stays


def test_backtest_and_optimisation_results_expire_after_the_retention_setting(local_stack: StackHandle) -> None:
    rules = _rules(local_stack)

    for rule_id, prefix in (("backtest-results", "backtests/"), ("optimization-results", "optimizations/")):
        assert rules[rule_id]["Status"] == "Enabled"
        assert rules[rule_id]["Filter"] == {"Prefix": prefix}
        assert rules[rule_id]["Expiration"]["Days"] == 90  # BacktestRetentionDays' default


def test_models_are_kept_unless_a_retention_is_set(local_stack: StackHandle) -> None:
    rule = _rules(local_stack)["models"]

    assert rule["Filter"] == {"Prefix": "models/"}
    assert rule["Status"] == "Disabled"  # ModelRetentionDays' default 0: the served model never expires


def test_interrupted_uploads_and_lone_delete_markers_are_cleaned(local_stack: StackHandle) -> None:
    rule = _rules(local_stack)["multipart-uploads-and-delete-markers"]

    assert rule["Status"] == "Enabled"
    assert rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == 1
    assert rule["Expiration"]["ExpiredObjectDeleteMarker"] is True
