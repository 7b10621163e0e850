"""Settings without a redeploy on a local stack of its own: the settings API (versioned edits,
unknown keys refused, an audit trail) and the functions that enforce the limits, which apply a
change to the next signal within the settings' max age (5 s on the test stacks)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests

from tests.integration.conftest import PROP_FIRM_ACCOUNTS, module_stack
from tests.integration.pipeline_helpers import entered_states, new_signal, priced_markets, run, signal_record
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only

local_stack = module_stack("settings")
MAX_AGE_S = 5


@pytest.fixture(scope="module")
def markets(local_stack: StackHandle) -> StackHandle:
    priced_markets(local_stack, "BTC/USDT")
    return local_stack


def settings(stack: StackHandle) -> dict[str, dict[str, Any]]:
    response = stack.api("GET", "/settings", scope="read")
    assert response.status_code == 200, response.text
    assert response.json()["max_age_s"] == MAX_AGE_S
    return {item["name"]: item for item in response.json()["settings"]}


def put(stack: StackHandle, name: str, value: Any, version: int | None = None) -> requests.Response:
    if version is None:
        version = settings(stack)[name]["version"]
    return stack.api("PUT", f"/settings/{name}", json={"value": value, "version": version})


def applied(stack: StackHandle, name: str, value: Any) -> None:
    """Store ``value`` and wait out the functions' cache, after which every instance enforces it."""
    response = put(stack, name, value)
    assert response.status_code == 200, response.text
    assert response.json()["setting"]["value"] == value
    time.sleep(MAX_AGE_S + 1)


def test_every_setting_is_listed_with_its_initial_value_defaults_and_version(local_stack: StackHandle) -> None:
    listed = settings(local_stack)

    assert set(listed) == {"portfolio_limits", "execution_risk_limits", "prop_firm_accounts"}
    assert listed["prop_firm_accounts"]["value"] == PROP_FIRM_ACCOUNTS  # the template parameter's value
    assert listed["prop_firm_accounts"]["initial_from"] == "PropFirmAccounts"
    assert listed["execution_risk_limits"]["value"]["max_order_notional"] == "250000"  # the template's default
    assert listed["portfolio_limits"]["effective"]["max_open_positions"] == 10  # the model's default, filled in
    assert all(item["version"] >= 1 and item["modified_at"] for item in listed.values())
    one = local_stack.api("GET", "/settings/portfolio_limits", scope="read")
    assert one.status_code == 200
    assert one.json()["setting"]["version"] == listed["portfolio_limits"]["version"]


def test_unknown_keys_and_settings_and_wrong_values_are_refused_naming_them(local_stack: StackHandle) -> None:
    before = settings(local_stack)

    unknown_key = put(local_stack, "portfolio_limits", {"max_gross_exposur": "0.5", "max_open_positions": 3})
    nested = put(
        local_stack, "prop_firm_accounts", {"p1": {"nt8_account": "X", "rules": {"max_contracts": 1}, "rulez": {}}}
    )
    wrong_value = put(local_stack, "execution_risk_limits", {"max_order_notional": "-5"})
    unknown_setting = local_stack.api("PUT", "/settings/leverage", json={"value": {}, "version": 1})
    unknown_field = local_stack.api(
        "PUT", "/settings/portfolio_limits", json={"value": {}, "version": 1, "force": True}
    )

    assert unknown_key.status_code == 400
    assert "max_gross_exposur" in unknown_key.json()["message"]
    assert unknown_key.json()["details"]["unknown"] == ["value.max_gross_exposur"]
    assert nested.status_code == 400
    assert "value.p1.rulez" in nested.json()["message"]
    assert wrong_value.status_code == 400
    assert "value.max_order_notional" in wrong_value.json()["message"]
    assert unknown_setting.status_code == 404
    assert "portfolio_limits" in unknown_setting.json()["message"]
    assert unknown_field.status_code == 400
    assert "force" in unknown_field.json()["message"]
    assert settings(local_stack) == before  # nothing was stored


def test_changing_a_setting_needs_the_admin_scope(local_stack: StackHandle) -> None:
    version = settings(local_stack)["portfolio_limits"]["version"]
    body = {"value": {"max_open_positions": 4}, "version": version}

    for scope in ("read", "trade"):
        response = local_stack.api("PUT", "/settings/portfolio_limits", scope=scope, json=body)
        assert response.status_code == 403, (scope, response.text)
    assert settings(local_stack)["portfolio_limits"]["version"] == version


def test_two_edits_from_the_same_version_never_overwrite_each_other(local_stack: StackHandle) -> None:
    version = settings(local_stack)["portfolio_limits"]["version"]
    values = [{"max_open_positions": 7}, {"max_open_positions": 8}]
    answers: list[requests.Response] = []
    start = threading.Barrier(len(values))

    def edit(value: dict[str, Any]) -> None:
        start.wait()
        answers.append(put(local_stack, "portfolio_limits", value, version))

    threads = [threading.Thread(target=edit, args=(value,)) for value in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answer.status_code for answer in answers) == [200, 409], [a.text for a in answers]
    won = next(answer for answer in answers if answer.status_code == 200).json()["setting"]
    lost = next(answer for answer in answers if answer.status_code == 409).json()
    assert lost["error"] == "Conflict"
    assert "reload" in lost["message"]
    stored = settings(local_stack)["portfolio_limits"]
    assert stored["value"] == won["value"]
    assert stored["version"] == version + 1
    # The loser's edit, made again from the version it was told to reload, now applies.
    retried = put(local_stack, "portfolio_limits", {"max_open_positions": 9}, stored["version"])
    assert retried.status_code == 200
    assert retried.json()["setting"]["version"] == version + 2
    # The same request again changes nothing (a client's retry after a lost answer).
    again = put(local_stack, "portfolio_limits", {"max_open_positions": 9}, stored["version"])
    assert again.status_code == 200
    assert again.json()["changed"] is False
    assert settings(local_stack)["portfolio_limits"]["version"] == version + 2


def test_every_change_is_in_the_audit_trail_with_who_what_from_to_and_when(local_stack: StackHandle) -> None:
    before = settings(local_stack)["execution_risk_limits"]
    new_value = {**before["value"], "max_open_orders": 20}

    changed = put(local_stack, "execution_risk_limits", new_value, before["version"])

    assert changed.status_code == 200, changed.text
    history = local_stack.api("GET", "/settings/history", scope="read", params={"name": "execution_risk_limits"})
    assert history.status_code == 200, history.text
    latest = history.json()["changes"][0]
    assert latest["setting"] == "execution_risk_limits"
    assert latest["version"] == before["version"] + 1
    assert (latest["from"], latest["to"]) == (before["value"], new_value)
    assert latest["by"]
    assert latest["by"] != "unknown"
    assert latest["at"].endswith("Z")
    every = local_stack.api("GET", "/settings/history", scope="read").json()["changes"]
    assert {"portfolio_limits", "execution_risk_limits"} <= {entry["setting"] for entry in every}
    assert [entry["at"] for entry in every] == sorted((entry["at"] for entry in every), reverse=True)
    bad = local_stack.api("GET", "/settings/history", scope="read", params={"name": "nope"})
    assert bad.status_code == 404


def test_a_portfolio_limit_changed_through_the_api_applies_to_the_next_signal(markets: StackHandle) -> None:
    applied(markets, "portfolio_limits", {"max_gross_exposure": "0.00001"})  # about 1 USDT of 100,000

    refused = new_signal()
    run(markets, refused)

    record = signal_record(markets, refused["signal_id"])
    assert record["status"] == "denied", record
    assert "max_gross_exposure" in record["reason"]

    applied(markets, "portfolio_limits", {})  # back to the model's defaults
    accepted = new_signal()
    run(markets, accepted)

    assert signal_record(markets, accepted["signal_id"])["status"] == "completed"


def test_an_execution_limit_changed_through_the_api_applies_to_the_next_order(markets: StackHandle) -> None:
    original = settings(markets)["execution_risk_limits"]["value"]
    applied(markets, "execution_risk_limits", {**original, "max_order_notional": "1"})

    refused = new_signal()  # 0.001 BTC: far more than 1 USDT
    result = run(markets, refused)

    record = signal_record(markets, refused["signal_id"])
    assert record["status"] == "denied", record
    assert "ExecuteOrder" in entered_states(markets, result["executionArn"])  # the engine refused it
    assert "notional" in record["reason"].lower()

    applied(markets, "execution_risk_limits", original)
    accepted = new_signal()
    run(markets, accepted)

    assert signal_record(markets, accepted["signal_id"])["status"] == "completed"


def test_an_edit_whose_writer_died_before_storing_it_blocks_until_its_lease_is_over(local_stack: StackHandle) -> None:
    """A claim of the next version with no stored value (its writer died between the two writes)
    refuses other edits while it may still be applied, and is taken over once it cannot be."""
    audit = local_stack.clients("dynamodb")
    table = local_stack.deployed.physical_id("SettingsAuditTable")
    current = settings(local_stack)["prop_firm_accounts"]
    claim = {
        "setting": {"S": "prop_firm_accounts"},
        "version": {"N": str(current["version"] + 1)},
        "from_value": {"S": "{}"},
        "to_value": {"S": "{}"},
        "by": {"S": "a writer that died"},
        "applied": {"BOOL": False},
    }
    value = {**current["value"], "prop-b": {"nt8_account": "PROP-B-1", "rules": {"max_contracts": 1}}}

    audit.put_item(TableName=table, Item={**claim, "at_ms": {"N": str(int(time.time() * 1000))}})
    blocked = put(local_stack, "prop_firm_accounts", value, current["version"])
    audit.put_item(TableName=table, Item={**claim, "at_ms": {"N": str(int(time.time() * 1000) - 120_000)}})
    taken_over = put(local_stack, "prop_firm_accounts", value, current["version"])

    assert blocked.status_code == 409
    assert taken_over.status_code == 200, taken_over.text
    assert taken_over.json()["setting"]["value"] == value
    history = local_stack.api("GET", "/settings/history", scope="read", params={"name": "prop_firm_accounts"})
    latest = history.json()["changes"][0]
    assert (latest["version"], latest["to"]) == (current["version"] + 1, value)
    assert latest["by"] != "a writer that died"
