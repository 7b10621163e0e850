"""Which handler creates and deletes each CloudFormation resource type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fks_local.deploy import compute, observability, storage, websocket, workflow
from fks_local.deploy.context import DeployContext, Deployed

Create = Callable[[DeployContext, str, dict[str, Any]], Deployed]
Delete = Callable[[DeployContext, Deployed], None]

HANDLERS: dict[str, tuple[Create, Delete]] = {
    "AWS::S3::Bucket": (storage.create_bucket, storage.delete_bucket),
    "AWS::DynamoDB::Table": (storage.create_table, storage.delete_table),
    "AWS::SQS::Queue": (storage.create_queue, storage.delete_queue),
    "AWS::SNS::Topic": (storage.create_topic, storage.delete_topic),
    "AWS::SNS::Subscription": (storage.create_subscription, storage.delete_subscription),
    "AWS::Timestream::Database": (storage.create_timestream_database, storage.delete_timestream_database),
    "AWS::Timestream::Table": (storage.create_timestream_table, storage.delete_timestream_table),
    "AWS::IAM::Role": (compute.create_role, compute.delete_role),
    "AWS::Lambda::LayerVersion": (compute.create_layer, compute.delete_layer),
    "AWS::Lambda::Function": (compute.create_function, compute.delete_function),
    "AWS::Lambda::Permission": (compute.create_permission, compute.delete_permission),
    "AWS::Lambda::EventSourceMapping": (compute.create_event_source_mapping, compute.delete_event_source_mapping),
    "AWS::StepFunctions::StateMachine": (workflow.create_state_machine, workflow.delete_state_machine),
    "AWS::Events::Rule": (workflow.create_rule, workflow.delete_rule),
    "AWS::ApiGateway::RestApi": (workflow.create_rest_api, workflow.delete_rest_api),
    "AWS::ApiGateway::Deployment": (workflow.create_deployment, workflow.delete_deployment),
    "AWS::ApiGateway::Stage": (workflow.create_stage, workflow.delete_stage),
    "AWS::ApiGateway::UsagePlan": (workflow.create_usage_plan, workflow.delete_usage_plan),
    "AWS::ApiGateway::ApiKey": (workflow.create_api_key, workflow.delete_api_key),
    "AWS::ApiGateway::UsagePlanKey": (workflow.create_usage_plan_key, workflow.delete_usage_plan_key),
    "AWS::ApiGateway::Account": (workflow.create_account, workflow.delete_account),
    "AWS::ApiGatewayV2::Api": (websocket.create_api, websocket.delete_api),
    "AWS::ApiGatewayV2::Integration": (websocket.create_integration, websocket.delete_integration),
    "AWS::ApiGatewayV2::Authorizer": (websocket.create_authorizer, websocket.delete_authorizer),
    "AWS::ApiGatewayV2::Route": (websocket.create_route, websocket.delete_route),
    "AWS::ApiGatewayV2::RouteResponse": (websocket.create_route_response, websocket.delete_route_response),
    "AWS::ApiGatewayV2::Deployment": (websocket.create_deployment, websocket.delete_deployment),
    "AWS::ApiGatewayV2::Stage": (websocket.create_stage, websocket.delete_stage),
    "AWS::CloudWatch::Dashboard": (observability.create_dashboard, observability.delete_dashboard),
    "AWS::CloudWatch::Alarm": (observability.create_alarm, observability.delete_alarm),
    "AWS::Logs::LogGroup": (observability.create_log_group, observability.delete_log_group),
    "AWS::SecretsManager::Secret": (observability.create_secret, observability.delete_secret),
    "AWS::SSM::Parameter": (observability.create_parameter, observability.delete_parameter),
}
