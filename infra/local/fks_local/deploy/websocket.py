"""Handlers for API Gateway v2 (WebSocket) APIs: the API, its integrations, authorizers, routes,
route responses, deployment and stage, created through the emulator's apigatewayv2 API.

The local WebSocket gateway serves what the emulator then holds (fks_local.websocket_gateway).
moto has no CreateDeployment; a deployment only freezes the routes a stage serves, and the local
gateway reads them live, so the deployment is recorded here with a local id.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fks_local.deploy.context import DeployContext, Deployed

API = "AWS::ApiGatewayV2::Api"


def _v2(ctx: DeployContext) -> Any:
    return ctx.client("apigatewayv2")


def _pick(props: dict[str, Any], *names: str) -> dict[str, Any]:
    """The CloudFormation properties that the API call takes under the same name."""
    return {name: props[name] for name in names if name in props}


def create_api(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    request = {
        "Name": props.get("Name") or ctx.default_name(logical_id, 128),
        "ProtocolType": props["ProtocolType"],
        **_pick(props, "RouteSelectionExpression", "Description", "ApiKeySelectionExpression"),
    }
    api = _v2(ctx).create_api(**request)
    attributes = {"ApiId": api["ApiId"], "ApiEndpoint": api["ApiEndpoint"]}
    return Deployed(logical_id, API, api["ApiId"], attributes, props)


def delete_api(ctx: DeployContext, deployed: Deployed) -> None:
    _v2(ctx).delete_api(ApiId=deployed.physical_id)


def create_integration(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    request = _pick(
        props,
        "ApiId",
        "IntegrationType",
        "IntegrationUri",
        "IntegrationMethod",
        "Description",
        "TimeoutInMillis",
        "PayloadFormatVersion",
        "ContentHandlingStrategy",
    )
    integration = _v2(ctx).create_integration(**request)
    integration_id = integration["IntegrationId"]
    return Deployed(logical_id, "AWS::ApiGatewayV2::Integration", integration_id, {}, props)


def delete_integration(ctx: DeployContext, deployed: Deployed) -> None:
    _v2(ctx).delete_integration(ApiId=deployed.properties["ApiId"], IntegrationId=deployed.physical_id)


def create_authorizer(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    request = _pick(
        props,
        "ApiId",
        "AuthorizerType",
        "AuthorizerUri",
        "IdentitySource",
        "Name",
        "AuthorizerResultTtlInSeconds",
        "AuthorizerCredentialsArn",
    )
    authorizer = _v2(ctx).create_authorizer(**request)
    authorizer_id = authorizer["AuthorizerId"]
    return Deployed(logical_id, "AWS::ApiGatewayV2::Authorizer", authorizer_id, {"AuthorizerId": authorizer_id}, props)


def delete_authorizer(ctx: DeployContext, deployed: Deployed) -> None:
    _v2(ctx).delete_authorizer(ApiId=deployed.properties["ApiId"], AuthorizerId=deployed.physical_id)


def create_route(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    request = _pick(
        props,
        "ApiId",
        "RouteKey",
        "AuthorizationType",
        "AuthorizerId",
        "Target",
        "OperationName",
        "RouteResponseSelectionExpression",
        "ApiKeyRequired",
    )
    route = _v2(ctx).create_route(**request)
    return Deployed(logical_id, "AWS::ApiGatewayV2::Route", route["RouteId"], {}, props)


def delete_route(ctx: DeployContext, deployed: Deployed) -> None:
    _v2(ctx).delete_route(ApiId=deployed.properties["ApiId"], RouteId=deployed.physical_id)


def create_route_response(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    request = _pick(props, "ApiId", "RouteId", "RouteResponseKey", "ModelSelectionExpression")
    response = _v2(ctx).create_route_response(**request)
    return Deployed(logical_id, "AWS::ApiGatewayV2::RouteResponse", response["RouteResponseId"], {}, props)


def delete_route_response(ctx: DeployContext, deployed: Deployed) -> None:
    _v2(ctx).delete_route_response(
        ApiId=deployed.properties["ApiId"],
        RouteId=deployed.properties["RouteId"],
        RouteResponseId=deployed.physical_id,
    )


def create_deployment(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    # Deterministic, like every local name: the same stack deploys to the same ids.
    deployment_id = hashlib.sha256(f"{props['ApiId']}:{logical_id}".encode()).hexdigest()[:10]
    return Deployed(logical_id, "AWS::ApiGatewayV2::Deployment", deployment_id, {"DeploymentId": deployment_id}, props)


def delete_deployment(ctx: DeployContext, deployed: Deployed) -> None:
    """Nothing was created in the emulator (see the module docstring)."""


def create_stage(ctx: DeployContext, logical_id: str, props: dict[str, Any]) -> Deployed:
    request = _pick(
        props, "ApiId", "StageName", "DeploymentId", "Description", "DefaultRouteSettings", "StageVariables"
    )
    _v2(ctx).create_stage(**request)
    return Deployed(logical_id, "AWS::ApiGatewayV2::Stage", props["StageName"], {}, props)


def delete_stage(ctx: DeployContext, deployed: Deployed) -> None:
    _v2(ctx).delete_stage(ApiId=deployed.properties["ApiId"], StageName=deployed.physical_id)
