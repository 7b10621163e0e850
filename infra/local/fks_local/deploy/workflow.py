"""Handlers for Step Functions state machines, EventBridge rules and API Gateway REST APIs."""

from __future__ import annotations

import json
from typing import Any

from fks_local.deploy.context import DeployContext, Deployed


def _apply_substitutions(definition: str, substitutions: dict[str, Any]) -> str:
    # DefinitionSubstitutions replace ${Name} in the ASL text before it is parsed, as CloudFormation
    # does; an undefined ${Name} stays, and Step Functions then refuses the ARN, naming it.
    for key, value in substitutions.items():
        definition = definition.replace("${" + key + "}", str(value))
    return definition


def create_state_machine(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    name = props.get("StateMachineName") or ctx.default_name(logical_id, 80)
    definition = props.get("DefinitionString")
    if definition is None:
        definition = json.dumps(props["Definition"])
    definition = _apply_substitutions(definition, props.get("DefinitionSubstitutions") or {})
    json.loads(definition)  # a broken ASL document fails here, naming the resource, not at run time
    request: dict[str, Any] = {
        "name": name,
        "definition": definition,
        "roleArn": props["RoleArn"],
        "type": props.get("StateMachineType", "STANDARD"),
    }
    if props.get("Tags"):
        request["tags"] = [{"key": t["Key"], "value": str(t["Value"])} for t in props["Tags"]]
    arn = ctx.client("stepfunctions").create_state_machine(**request)["stateMachineArn"]
    return Deployed(logical_id, "AWS::StepFunctions::StateMachine", arn, {"Arn": arn, "Name": name})


def delete_state_machine(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("stepfunctions").delete_state_machine(stateMachineArn=deployed.physical_id)


def create_rule(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    name = props.get("Name") or ctx.default_name(logical_id, 64)
    events = ctx.client("events")
    request: dict[str, Any] = {"Name": name, "State": props.get("State", "ENABLED")}
    for key in ("ScheduleExpression", "Description", "EventBusName", "RoleArn"):
        if key in props:
            request[key] = props[key]
    if "EventPattern" in props:
        request["EventPattern"] = json.dumps(props["EventPattern"])
    arn = events.put_rule(**request)["RuleArn"]
    if props.get("Targets"):
        bus = {"EventBusName": props["EventBusName"]} if "EventBusName" in props else {}
        events.put_targets(Rule=name, Targets=props["Targets"], **bus)
    return Deployed(logical_id, "AWS::Events::Rule", name, {"Arn": arn}, props)


def delete_rule(ctx: DeployContext, deployed: Deployed) -> None:
    events = ctx.client("events")
    targets = [t["Id"] for t in deployed.properties.get("Targets", [])]
    if targets:
        events.remove_targets(Rule=deployed.physical_id, Ids=targets)
    events.delete_rule(Name=deployed.physical_id)


def _importable(body: dict[str, Any], description: str) -> dict[str, Any]:
    """The definition as moto's importer accepts it: it needs info.description (optional in
    OpenAPI) and a uri and httpMethod on every integration, mock ones (CORS preflight) included."""
    document: dict[str, Any] = json.loads(json.dumps(body))
    document["info"] = {"description": description, **document.get("info", {})}
    for operations in (document.get("paths") or {}).values():
        for operation in operations.values():
            integration = operation.get("x-amazon-apigateway-integration") if isinstance(operation, dict) else None
            if integration and integration.get("type") == "mock":
                integration.setdefault("uri", "")
                integration.setdefault("httpMethod", "POST")
    return document


def create_rest_api(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    apigateway = ctx.client("apigateway")
    name = props.get("Name") or ctx.default_name(logical_id, 128)
    body = props.get("Body")
    if body is not None:
        document = _importable(body, props.get("Description", ""))
        api = apigateway.import_rest_api(body=json.dumps(document).encode())
        apigateway.update_rest_api(
            restApiId=api["id"], patchOperations=[{"op": "replace", "path": "/name", "value": name}]
        )
    else:
        api = apigateway.create_rest_api(name=name, description=props.get("Description", ""))
    resources = apigateway.get_resources(restApiId=api["id"])["items"]
    root = next(r["id"] for r in resources if r["path"] == "/")
    # The local gateway serves the API from this definition, as API Gateway serves the imported one.
    return Deployed(
        logical_id, "AWS::ApiGateway::RestApi", api["id"], {"RootResourceId": root, "Body": body, "Name": name}
    )


def delete_rest_api(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("apigateway").delete_rest_api(restApiId=deployed.physical_id)


def create_deployment(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    deployment = ctx.client("apigateway").create_deployment(
        restApiId=props["RestApiId"], description=props.get("Description", "")
    )
    return Deployed(logical_id, "AWS::ApiGateway::Deployment", deployment["id"], {}, props)


def delete_deployment(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("apigateway").delete_deployment(
        restApiId=deployed.properties["RestApiId"], deploymentId=deployed.physical_id
    )


def create_stage(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    ctx.client("apigateway").create_stage(
        restApiId=props["RestApiId"],
        stageName=props["StageName"],
        deploymentId=props["DeploymentId"],
        variables=props.get("Variables", {}),
        tracingEnabled=bool(props.get("TracingEnabled", False)),
    )
    attributes = {"MethodSettings": props.get("MethodSettings", [])}
    return Deployed(logical_id, "AWS::ApiGateway::Stage", props["StageName"], attributes, props)


def delete_stage(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("apigateway").delete_stage(restApiId=deployed.properties["RestApiId"], stageName=deployed.physical_id)


def create_usage_plan(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    request: dict[str, Any] = {
        "name": props.get("UsagePlanName") or ctx.default_name(logical_id, 128),
        "description": props.get("Description", ""),
        "apiStages": [{"apiId": s["ApiId"], "stage": s["Stage"]} for s in props.get("ApiStages", [])],
    }
    if "Throttle" in props:
        request["throttle"] = {
            "burstLimit": int(props["Throttle"]["BurstLimit"]),
            "rateLimit": float(props["Throttle"]["RateLimit"]),
        }
    if "Quota" in props:
        quota = props["Quota"]
        request["quota"] = {
            "limit": int(quota["Limit"]),
            "period": quota["Period"],
            "offset": int(quota.get("Offset", 0)),
        }
    plan = ctx.client("apigateway").create_usage_plan(**request)
    return Deployed(logical_id, "AWS::ApiGateway::UsagePlan", plan["id"], {"Id": plan["id"]})


def delete_usage_plan(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("apigateway").delete_usage_plan(usagePlanId=deployed.physical_id)


def create_api_key(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    request: dict[str, Any] = {
        "name": props.get("Name") or ctx.default_name(logical_id, 128),
        "enabled": str(props.get("Enabled", True)).lower() == "true",
    }
    if "Value" in props:
        request["value"] = props["Value"]
    key = ctx.client("apigateway").create_api_key(**request)
    return Deployed(logical_id, "AWS::ApiGateway::ApiKey", key["id"], {"APIKeyId": key["id"]})


def delete_api_key(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("apigateway").delete_api_key(apiKey=deployed.physical_id)


def create_usage_plan_key(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    ctx.client("apigateway").create_usage_plan_key(
        usagePlanId=props["UsagePlanId"], keyId=props["KeyId"], keyType=props.get("KeyType", "API_KEY")
    )
    return Deployed(logical_id, "AWS::ApiGateway::UsagePlanKey", f"{props['KeyId']}:{props['UsagePlanId']}", {}, props)


def delete_usage_plan_key(ctx: DeployContext, deployed: Deployed) -> None:
    ctx.client("apigateway").delete_usage_plan_key(
        usagePlanId=deployed.properties["UsagePlanId"], keyId=deployed.properties["KeyId"]
    )


def create_account(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    """API Gateway's per-region settings (the access-log role): one per account, never deleted."""
    operations = [{"op": "replace", "path": "/cloudwatchRoleArn", "value": props["CloudWatchRoleArn"]}]
    ctx.client("apigateway").update_account(patchOperations=operations)
    return Deployed(logical_id, "AWS::ApiGateway::Account", f"{ctx.account_id}-apigateway-account")


def delete_account(ctx: DeployContext, deployed: Deployed) -> None:
    """CloudFormation leaves the account's settings in place when the stack goes: so does this."""
