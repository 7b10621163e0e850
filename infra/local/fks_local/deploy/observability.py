"""Handlers for CloudWatch dashboards and alarms, log groups, secrets and SSM parameters."""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

from fks_local.deploy.context import DeployContext, Deployed


def create_dashboard(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    name = props.get("DashboardName") or ctx.default_name(logical_id, 255)
    body = props["DashboardBody"]
    text = body if isinstance(body, str) else json.dumps(body)
    json.loads(text)  # CloudWatch refuses a body that is not JSON; say so here, naming the resource
    ctx.client("cloudwatch").put_dashboard(DashboardName=name, DashboardBody=text)
    return Deployed(logical_id, "AWS::CloudWatch::Dashboard", name)


def delete_dashboard(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("cloudwatch").delete_dashboards(DashboardNames=[deployed.physical_id])


_ALARM_KEYS = (
    "AlarmDescription",
    "ActionsEnabled",
    "OKActions",
    "AlarmActions",
    "InsufficientDataActions",
    "MetricName",
    "Namespace",
    "Statistic",
    "ExtendedStatistic",
    "Dimensions",
    "Period",
    "Unit",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
    "Metrics",
)
_NUMERIC = {"Period": int, "EvaluationPeriods": int, "DatapointsToAlarm": int, "Threshold": float}


def create_alarm(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    name = props.get("AlarmName") or ctx.default_name(logical_id, 255)
    request = {key: _NUMERIC.get(key, lambda v: v)(props[key]) for key in _ALARM_KEYS if key in props}
    ctx.client("cloudwatch").put_metric_alarm(AlarmName=name, **request)
    return Deployed(logical_id, "AWS::CloudWatch::Alarm", name, {"Arn": ctx.arn("cloudwatch", f"alarm:{name}")})


def delete_alarm(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("cloudwatch").delete_alarms(AlarmNames=[deployed.physical_id])


def create_log_group(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    name = props.get("LogGroupName") or ctx.default_name(logical_id, 512)
    logs = ctx.client("logs")
    logs.create_log_group(logGroupName=name)
    if "RetentionInDays" in props:
        logs.put_retention_policy(logGroupName=name, retentionInDays=int(props["RetentionInDays"]))
    return Deployed(logical_id, "AWS::Logs::LogGroup", name, {"Arn": ctx.arn("logs", f"log-group:{name}:*")})


def delete_log_group(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("logs").delete_log_group(logGroupName=deployed.physical_id)


def _generated_secret(spec: dict[str, Any]) -> str:
    alphabet = string.ascii_letters + string.digits + "!#$%&()*+,-.:;<=>?@[]^_{|}~"
    excluded = set(spec.get("ExcludeCharacters", ""))
    alphabet = "".join(c for c in alphabet if c not in excluded)
    value = "".join(secrets.choice(alphabet) for _ in range(int(spec.get("PasswordLength", 32))))
    if "SecretStringTemplate" in spec:
        document = json.loads(spec["SecretStringTemplate"])
        document[spec["GenerateStringKey"]] = value
        return json.dumps(document)
    return value


def create_secret(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    name = props.get("Name") or ctx.default_name(logical_id, 512)
    request = {"Name": name, "Description": props.get("Description", "")}
    # Neither SecretString nor GenerateSecretString: CloudFormation creates the secret empty.
    if "SecretString" in props:
        request["SecretString"] = props["SecretString"]
    elif "GenerateSecretString" in props:
        request["SecretString"] = _generated_secret(props["GenerateSecretString"])
    arn = ctx.client("secretsmanager").create_secret(**request)["ARN"]
    return Deployed(logical_id, "AWS::SecretsManager::Secret", arn, {"Id": arn})


def delete_secret(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("secretsmanager").delete_secret(SecretId=deployed.physical_id, ForceDeleteWithoutRecovery=True)


def create_parameter(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    name = props.get("Name") or ctx.default_name(logical_id, 1011)
    ctx.client("ssm").put_parameter(Name=name, Value=str(props["Value"]), Type=props.get("Type", "String"))
    return Deployed(
        logical_id, "AWS::SSM::Parameter", name, {"Type": props.get("Type", "String"), "Value": props["Value"]}
    )


def delete_parameter(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("ssm").delete_parameter(Name=deployed.physical_id)
