"""Handlers for IAM roles and policies, and Lambda layers, functions, permissions and event sources."""

from __future__ import annotations

import json
from typing import Any

from fks_local.deploy.context import DeployContext, Deployed


def _tags(props: dict[str, Any]) -> dict[str, str]:
    tags = props.get("Tags") or {}
    if isinstance(tags, list):  # CloudFormation's [{Key, Value}] form
        return {t["Key"]: str(t["Value"]) for t in tags}
    return {str(k): str(v) for k, v in tags.items()}


def create_role(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    name = props.get("RoleName") or ctx.default_name(logical_id, 64)
    iam = ctx.client("iam")
    role = iam.create_role(
        RoleName=name,
        Path=props.get("Path", "/"),
        AssumeRolePolicyDocument=json.dumps(props["AssumeRolePolicyDocument"]),
        Tags=[{"Key": k, "Value": v} for k, v in _tags(props).items()],
    )["Role"]
    for policy in props.get("Policies", []):
        # SAM's policy templates leave out Version; IAM then assumes one, moto refuses the document.
        document = {"Version": "2012-10-17", **policy["PolicyDocument"]}
        iam.put_role_policy(RoleName=name, PolicyName=policy["PolicyName"], PolicyDocument=json.dumps(document))
    for arn in props.get("ManagedPolicyArns", []):
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    return Deployed(logical_id, "AWS::IAM::Role", name, {"Arn": role["Arn"], "RoleId": role["RoleId"]}, props)


def delete_role(ctx: DeployContext, deployed: Deployed) -> None:
    iam = ctx.client("iam")
    for policy in deployed.properties.get("Policies", []):
        iam.delete_role_policy(RoleName=deployed.physical_id, PolicyName=policy["PolicyName"])
    for arn in deployed.properties.get("ManagedPolicyArns", []):
        iam.detach_role_policy(RoleName=deployed.physical_id, PolicyArn=arn)
    iam.delete_role(RoleName=deployed.physical_id)


def create_layer(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    name = props.get("LayerName") or ctx.default_name(logical_id, 140)
    request: dict[str, Any] = {"LayerName": name, "Content": props["Content"]}
    for key in ("Description", "CompatibleRuntimes", "CompatibleArchitectures", "LicenseInfo"):
        if key in props:
            request[key] = props[key]
    arn = ctx.client("lambda").publish_layer_version(**request)["LayerVersionArn"]
    return Deployed(logical_id, "AWS::Lambda::LayerVersion", arn, {"LayerVersionArn": arn})


def delete_layer(ctx: DeployContext, deployed: Deployed) -> None:
    name, version = deployed.physical_id.split(":")[-2:]
    ctx.client("lambda").delete_layer_version(LayerName=name, VersionNumber=int(version))


_FUNCTION_PASSTHROUGH = (
    "Runtime",
    "Handler",
    "Description",
    "Timeout",
    "MemorySize",
    "Layers",
    "Environment",
    "TracingConfig",
    "Architectures",
    "DeadLetterConfig",
    "EphemeralStorage",
    "PackageType",
)


def create_function(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    name = props.get("FunctionName") or ctx.default_name(logical_id, 64)
    request: dict[str, Any] = {
        "FunctionName": name,
        "Role": props["Role"],
        "Code": props["Code"],
        "Tags": _tags(props),
        **{key: props[key] for key in _FUNCTION_PASSTHROUGH if key in props},
    }
    lam = ctx.client("lambda")
    function = lam.create_function(**request)
    if "ReservedConcurrentExecutions" in props:
        lam.put_function_concurrency(
            FunctionName=name, ReservedConcurrentExecutions=int(props["ReservedConcurrentExecutions"])
        )
    return Deployed(logical_id, "AWS::Lambda::Function", name, {"Arn": function["FunctionArn"]})


def delete_function(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("lambda").delete_function(FunctionName=deployed.physical_id)


def create_permission(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    request = {
        "FunctionName": props["FunctionName"],
        "StatementId": logical_id,
        "Action": props["Action"],
        "Principal": props["Principal"],
    }
    if "SourceArn" in props:
        request["SourceArn"] = props["SourceArn"]
    ctx.client("lambda").add_permission(**request)
    return Deployed(logical_id, "AWS::Lambda::Permission", logical_id, {}, props)


def delete_permission(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("lambda").remove_permission(
        FunctionName=deployed.properties["FunctionName"], StatementId=deployed.physical_id
    )


_MAPPING_PASSTHROUGH = (
    "EventSourceArn",
    "BatchSize",
    "Enabled",
    "FunctionResponseTypes",
    "MaximumBatchingWindowInSeconds",
    "StartingPosition",
    "FilterCriteria",
    "ScalingConfig",
)


def check_event_source(logical_id: str, props: dict[str, Any]) -> None:
    """The local stack maps DynamoDB stream sources (the emulator batches their records,
    emulator.py). An SQS source is refused: no function has one (the NinjaTrader queue is read by
    the bridge), so fks_local has no SQS poller, and moto's own mapping would run the function
    inside each SendMessage with no batching, partial failures or redrive. MiniStack polls SQS as
    Lambda does (docs/second-target.md)."""
    if str(props.get("EventSourceArn", "")).split(":")[2:3] == ["sqs"]:
        raise ValueError(
            f"{logical_id}: an SQS event source has no poller in the local stack (fks_local polls none); "
            "run it on the second target, MiniStack (make test-second-target)"
        )


def create_event_source_mapping(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    check_event_source(logical_id, props)
    request = {"FunctionName": props["FunctionName"], **{k: props[k] for k in _MAPPING_PASSTHROUGH if k in props}}
    mapping = ctx.client("lambda").create_event_source_mapping(**request)
    return Deployed(logical_id, "AWS::Lambda::EventSourceMapping", mapping["UUID"], {"Id": mapping["UUID"]})


def delete_event_source_mapping(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("lambda").delete_event_source_mapping(UUID=deployed.physical_id)
