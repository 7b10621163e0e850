"""Bedrock in the template only by configuration: AiFunction may invoke the models the settings
name, and nothing at all with the defaults (the packaged text model, no written briefing)."""

from __future__ import annotations

from typing import Any

import pytest

from fks_local.stack import PROJECT_ROOT
from fks_local.template import load, package, translate


@pytest.fixture(scope="module")
def translated() -> dict[str, Any]:
    packaged, _ = package(load(PROJECT_ROOT / "template.yaml"), PROJECT_ROOT)
    return translate(packaged, {"EnableTimestream": "false"})


def test_the_bedrock_policy_exists_only_under_its_condition_on_the_ai_role(translated: dict[str, Any]) -> None:
    resources = translated["Resources"]
    policy = resources["AiBedrockPolicy"]
    assert policy["Condition"] == "AiUsesBedrock"
    assert policy["Properties"]["Roles"] == [{"Ref": "AiFunctionRole"}]
    assert resources["AiFunctionRole"]["Type"] == "AWS::IAM::Role"
    [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "bedrock:InvokeModel"
    role_actions = str(resources["AiFunctionRole"]["Properties"].get("Policies", []))
    assert "bedrock" not in role_actions  # the role itself never holds it
    conditions = translated["Conditions"]
    assert conditions["AiUsesBedrock"] == {
        "Fn::Or": [{"Condition": "AiEmbedsOnBedrock"}, {"Condition": "AiWritesOnBedrock"}]
    }


def test_the_settings_reach_the_function_with_defaults_that_use_no_bedrock(translated: dict[str, Any]) -> None:
    parameters = translated["Parameters"]
    assert (parameters["AiTextModel"]["Default"], parameters["AiSummaryModel"]["Default"]) == ("packaged", "none")
    variables = translated["Resources"]["AiFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["FKS_AI_TEXT_MODEL"] == {"Ref": "AiTextModel"}
    assert variables["FKS_AI_SUMMARY_MODEL"] == {"Ref": "AiSummaryModel"}
