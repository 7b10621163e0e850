"""The emulator holds exactly what the template declares; a failed deploy leaves nothing behind."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from fks_exchange_sim.config import DEFAULT_API_KEY, DEFAULT_API_SECRET
from fks_local.deploy import Deployer, DeployError
from fks_local.deploy.context import DeployContext
from fks_local.ports import PortTaken, claim
from fks_local.stack import LOCAL_PARAMETERS, StackOptions
from fks_local.template import load, load_and_translate
from tests.stack_handle import StackHandle


def test_every_declared_resource_is_deployed(local_stack: StackHandle) -> None:
    template, _ = load_and_translate(StackOptions().template, LOCAL_PARAMETERS)
    # Off locally: Timestream (EnableTimestream=false), the email subscriptions (no AlertEmail) and
    # the Bedrock policy (AiTextModel and AiSummaryModel default to the packaged model and none).
    off = {"TimestreamOn", "HasAlertEmail", "AiUsesBedrock"}
    declared = {k for k, v in template["Resources"].items() if v.get("Condition") not in off}

    # SAM names a layer version by a hash of its content, which changes with every edit.
    def without_content_hash(ids: set[str]) -> set[str]:
        return {re.sub(r"Layer[0-9a-f]{10}$", "Layer", i) for i in ids}

    assert without_content_hash(set(local_stack.deployed.resources)) == without_content_hash(declared)


def test_deployed_resources_exist_in_the_emulator(local_stack: StackHandle) -> None:
    resources = local_stack.deployed.resources
    aws = local_stack.clients

    assert aws("s3").head_bucket(Bucket=resources["DataBucket"].physical_id)
    table = aws("dynamodb").describe_table(TableName=resources["IdempotencyTable"].physical_id)["Table"]
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    attributes = aws("sqs").get_queue_attributes(
        QueueUrl=resources["NinjaTraderQueue"].physical_id, AttributeNames=["All"]
    )
    assert '"maxReceiveCount": 5' in attributes["Attributes"]["RedrivePolicy"]
    rules = aws("events").list_rules()["Rules"]
    assert any(r.get("ScheduleExpression") == "rate(5 minutes)" for r in rules)


@pytest.mark.moto_only
def test_deployed_function_carries_template_environment_and_layers(local_stack: StackHandle) -> None:
    config = local_stack.clients("lambda").get_function_configuration(
        FunctionName=local_stack.function("MonitorFunction")
    )

    variables = config["Environment"]["Variables"]
    assert variables["FKS_DATA_BUCKET"] == local_stack.deployed.physical_id("DataBucket")
    assert variables["POWERTOOLS_SERVICE_NAME"] == "fks"
    assert config["Runtime"] == "python3.12"
    assert len(config["Layers"]) == 3


def test_state_machine_definition_has_substitutions_applied(local_stack: StackHandle) -> None:
    definition = local_stack.clients("stepfunctions").describe_state_machine(
        stateMachineArn=local_stack.output("SignalStateMachineArn")
    )["definition"]

    assert "${" not in definition
    assert local_stack.function("ValidateSignalFunction") in definition


def test_failed_deploy_names_the_resource_and_rolls_back(local_stack: StackHandle, tmp_path: Path) -> None:
    template, _ = load_and_translate(StackOptions().template, {"EnableTimestream": "false"})
    broken = copy.deepcopy(template)
    broken["Resources"] = {
        "GoodQueue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "rollback-probe"}},
        "BadTable": {
            "Type": "AWS::DynamoDB::Table",
            "DependsOn": "GoodQueue",
            "Properties": {"TableName": "rollback-probe", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]},
        },
    }
    broken["Outputs"] = {}
    ctx = DeployContext(local_stack.endpoint_url, "us-east-1", "rollback-probe")

    with pytest.raises(
        DeployError, match=r"BadTable \(AWS::DynamoDB::Table\): missing property 'AttributeDefinitions'"
    ):
        Deployer(ctx).deploy(broken, [], {"EnableTimestream": "false"})

    queues = local_stack.clients("sqs").list_queues(QueueNamePrefix="rollback-probe").get("QueueUrls", [])
    assert queues == []


def test_unknown_parameter_is_refused_before_anything_is_created(local_stack: StackHandle) -> None:
    template, _ = load_and_translate(StackOptions().template, {})
    ctx = DeployContext(local_stack.endpoint_url, "us-east-1", "param-probe")

    with pytest.raises(DeployError, match="unknown parameter"):
        Deployer(ctx).deploy(template, [], {"NoSuchParameter": "x"})


def test_claim_taken_port_names_it(local_stack: StackHandle) -> None:
    taken = int(local_stack.endpoint_url.rsplit(":", 1)[1])

    with pytest.raises(PortTaken, match=f"port {taken} on 127.0.0.1 is taken"):
        claim(taken)


def test_exchange_secrets_are_created_empty_and_filled_like_an_operator_would(local_stack: StackHandle) -> None:
    """The template holds no key; the local stack puts the simulator's key in after the deploy."""
    template = load(StackOptions().template)
    secrets = local_stack.clients("secretsmanager")
    for name in ("TradingSecret", "ReconcileExchangeSecret"):
        props = template["Resources"][name]["Properties"]
        assert "SecretString" not in props
        assert "GenerateSecretString" not in props
        value = json.loads(secrets.get_secret_value(SecretId=local_stack.deployed.physical_id(name))["SecretString"])
        assert value == {"api_key": DEFAULT_API_KEY, "api_secret": DEFAULT_API_SECRET}


def test_api_gateway_account_role_is_set_before_the_api(local_stack: StackHandle) -> None:
    account = local_stack.clients("apigateway").get_account()
    assert account["cloudwatchRoleArn"] == local_stack.deployed.resources["ApiGatewayCloudWatchRole"].attributes["Arn"]
