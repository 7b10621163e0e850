"""Deploy a translated (CloudFormation) template into an AWS endpoint, resource by resource.

Why not the emulator's own CloudFormation: moto's skips several resource types, ignores
DefinitionSubstitutions and puts state machines where they do not execute (docs/design.md). Creating
each resource through the service's own API makes the emulator hold exactly what the template
declares, and works the same against LocalStack. A failure rolls back what was created, so
nothing half-deployed is left behind.

Kept (issue 25): moto 5.2.5's CloudFormation has no model for 17 of the 33 resource types the
translated template uses (40 of 247 resources: API Gateway stages, keys and usage plans, every
ApiGatewayV2 type, alarms, SNS subscriptions, secrets); the second target deploys with `sam deploy`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from fks_local.deploy.context import DeployContext, Deployed
from fks_local.deploy.handlers import HANDLERS
from fks_local.intrinsics import IntrinsicError, Resolver, references
from fks_local.template import ARTIFACTS_BUCKET, Artifact


class DeployError(Exception):
    """The deploy failed and was rolled back; the message names the resource at fault."""


@dataclass
class DeployedStack:
    name: str
    region: str
    account_id: str
    endpoint_url: str
    resources: dict[str, Deployed] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)

    def physical_id(self, logical_id: str) -> str:
        return self.resources[logical_id].physical_id

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for resource in data["resources"].values():
            resource.pop("properties", None)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeployedStack:
        resources = {k: Deployed(**v) for k, v in data.pop("resources").items()}
        return cls(resources=resources, **data)


def _parameter_values(template: dict[str, Any], given: dict[str, str]) -> dict[str, Any]:
    declared = template.get("Parameters") or {}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise DeployError(f"unknown parameter(s): {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        if name not in given and "Default" not in spec:
            raise DeployError(f"parameter {name} has no value and no default")
        value = given.get(name, spec.get("Default"))
        allowed = spec.get("AllowedValues")
        if allowed is not None and value not in allowed:
            raise DeployError(f"parameter {name}={value!r} is not one of {allowed}")
        pattern = spec.get("AllowedPattern")
        if pattern and not re.fullmatch(pattern, str(value)):
            raise DeployError(f"parameter {name}={value!r} does not match {pattern}")
        # CloudFormation hands every parameter to resources as a string, Number ones included
        # (a YAML default of 3600 is an int here); List types stay lists.
        values[name] = value if isinstance(value, list) else str(value)
    return values


def _deploy_order(resources: dict[str, Any]) -> list[str]:
    """Topological order over Ref/GetAtt/Sub references and DependsOn; a cycle is an error."""
    graph: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        depends = resource.get("DependsOn", [])
        depends = {depends} if isinstance(depends, str) else set(depends)
        graph[logical_id] = (references(resource.get("Properties", {})) | depends) & set(resources)
    order: list[str] = []
    done: set[str] = set()
    visiting: set[str] = set()

    def visit(node: str) -> None:
        if node in done:
            return
        if node in visiting:
            raise DeployError(f"circular dependency through {node}")
        visiting.add(node)
        for dependency in sorted(graph[node]):
            visit(dependency)
        visiting.discard(node)
        done.add(node)
        order.append(node)

    for node in sorted(graph):
        visit(node)
    return order


class Deployer:
    def __init__(self, ctx: DeployContext) -> None:
        self.ctx = ctx

    def upload_artifacts(self, artifacts: list[Artifact]) -> None:
        s3 = self.ctx.client("s3")
        try:
            s3.head_bucket(Bucket=ARTIFACTS_BUCKET)
        except ClientError:
            s3.create_bucket(Bucket=ARTIFACTS_BUCKET)
        for artifact in artifacts:
            s3.put_object(Bucket=ARTIFACTS_BUCKET, Key=artifact.key, Body=artifact.body)

    def deploy(
        self, template: dict[str, Any], artifacts: list[Artifact], parameters: dict[str, str] | None = None
    ) -> DeployedStack:
        ctx = self.ctx
        stack = DeployedStack(ctx.stack_name, ctx.region, ctx.account_id, ctx.endpoint_url)
        pseudo = {
            "AWS::Region": ctx.region,
            "AWS::AccountId": ctx.account_id,
            "AWS::StackName": ctx.stack_name,
            "AWS::StackId": ctx.arn("cloudformation", f"stack/{ctx.stack_name}/local"),
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
        values = {**_parameter_values(template, parameters or {}), **pseudo}

        def ref(name: str) -> Any:
            if name not in stack.resources:
                raise IntrinsicError(f"Ref to {name}, which is not deployed (unknown, or off by its Condition)")
            return stack.resources[name].physical_id

        def get_att(name: str, attribute: str) -> Any:
            if name not in stack.resources:
                raise IntrinsicError(f"GetAtt {name}.{attribute}: {name} is not deployed")
            attributes = stack.resources[name].attributes
            if attribute not in attributes:
                raise IntrinsicError(f"GetAtt {name}.{attribute}: no such attribute")
            return attributes[attribute]

        resolver = Resolver(values, template.get("Conditions") or {}, ref, get_att)
        resources = {
            logical_id: resource
            for logical_id, resource in template["Resources"].items()
            if "Condition" not in resource or resolver.condition(resource["Condition"])
        }
        unsupported = sorted(f"{k} ({v['Type']})" for k, v in resources.items() if v["Type"] not in HANDLERS)
        if unsupported:
            raise DeployError(f"no local deploy handler for: {', '.join(unsupported)}")
        self.upload_artifacts(artifacts)
        try:
            for logical_id in _deploy_order(resources):
                stack.resources[logical_id] = self._create(logical_id, resources[logical_id], resolver)
            stack.outputs = self._outputs(template, resolver)
        except DeployError:
            self.rollback(stack)
            raise
        return stack

    def _create(self, logical_id: str, resource: dict[str, Any], resolver: Resolver) -> Deployed:
        kind = resource["Type"]
        create, _ = HANDLERS[kind]
        try:
            props = resolver.resolve(resource.get("Properties") or {})
            return create(self.ctx, logical_id, props)
        except (ClientError, BotoCoreError, IntrinsicError, KeyError, ValueError) as exc:
            detail = f"missing property {exc}" if isinstance(exc, KeyError) else str(exc)
            raise DeployError(f"{logical_id} ({kind}): {detail}") from exc

    def _outputs(self, template: dict[str, Any], resolver: Resolver) -> dict[str, Any]:
        outputs: dict[str, Any] = {}
        for name, output in (template.get("Outputs") or {}).items():
            if "Condition" in output and not resolver.condition(output["Condition"]):
                continue
            try:
                outputs[name] = resolver.resolve(output["Value"])
            except IntrinsicError as exc:
                raise DeployError(f"output {name}: {exc}") from exc
        return outputs

    def rollback(self, stack: DeployedStack) -> list[str]:
        """Delete what was created, newest first; returns what could not be deleted."""
        leftovers = []
        for logical_id in reversed(list(stack.resources)):
            deployed = stack.resources.pop(logical_id)
            _, delete = HANDLERS[deployed.resource_type]
            try:
                delete(self.ctx, deployed)
            except (ClientError, BotoCoreError) as exc:
                leftovers.append(f"{logical_id}: {exc}")
        return leftovers
