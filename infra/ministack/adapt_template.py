"""The built template (`sam build`'s .aws-sam/build/template.yaml) as MiniStack's CloudFormation
can create it: the smallest rewrites, each for one thing MiniStack lacks (docs/second-target.md).

    python infra/ministack/adapt_template.py .aws-sam/build/template.yaml .aws-sam/build/template-ministack.yaml \
        [MINISTACK_URL]

The output stays beside the input, so the code paths (CodeUri, ContentUri) `sam deploy` packages
resolve to the same built folders. Nothing else differs from what AWS gets.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

# MiniStack's CloudFormation refuses the whole template on these types ("Unrecognized resource
# types"). A WebSocket route's response only matters to a client expecting the route's answer
# frame, and MiniStack's WebSocket gateway answers a route's return value without one.
DROPPED_TYPES = frozenset({"AWS::ApiGatewayV2::RouteResponse"})
# A WebSocket API's AWS endpoint as the template builds it: https:// for the @connections client,
# wss:// for what a client connects to (the dashboard's default feed address).
_EXECUTE_API_HOST = re.compile(
    r"^(https|wss)://\$\{(\w+)\}\.execute-api\.\$\{AWS::Region\}\.\$\{AWS::URLSuffix\}/\$\{(\w+)\}$"
)


def adapt(template: dict[str, Any], ministack_url: str | None = None) -> dict[str, Any]:
    resources: dict[str, Any] = template["Resources"]
    dropped = {name for name, body in resources.items() if body.get("Type") in DROPPED_TYPES}
    # AWS::ApiGatewayV2::Deployment is unknown too: the stage deploys itself instead (AutoDeploy),
    # which is what the explicit deployment of every route gives on AWS.
    for name, body in list(resources.items()):
        if body.get("Type") == "AWS::ApiGatewayV2::Deployment":
            dropped.add(name)
        # Its CloudFormation refuses an alarm on metric math (Properties.Metrics) and rolls the
        # stack back; such an alarm (ForeignFillAlarm) is left out, the moto target checks it.
        if body.get("Type") == "AWS::CloudWatch::Alarm" and (body.get("Properties") or {}).get("Metrics"):
            dropped.add(name)
    for name in dropped:
        del resources[name]
    # The template declares AWS_ENDPOINT_URL empty (for `sam local`; boto3 then uses AWS's). A
    # function's declared value wins over the endpoint MiniStack hands its Python functions, so
    # the empty one sent every boto3 call of theirs to real AWS hosts: left undeclared here.
    _drop_empty_endpoint(template.get("Globals", {}).get("Function", {}))
    for body in resources.values():
        if body.get("Type") == "AWS::Serverless::Function":
            _drop_empty_endpoint(body.get("Properties") or {})
    for body in resources.values():
        _drop_depends_on(body, dropped)
        properties = body.get("Properties") or {}
        if body.get("Type") == "AWS::ApiGatewayV2::Stage" and _refers_to(properties.get("DeploymentId"), dropped):
            del properties["DeploymentId"]
            properties["AutoDeploy"] = True
        if body.get("Type") == "AWS::Serverless::Function" and ministack_url:
            _local_websocket_endpoints(properties, ministack_url)
    return template


def _local_websocket_endpoints(function: dict[str, Any], ministack_url: str) -> None:
    """A function is handed a WebSocket API's AWS host name (<api>.execute-api.<region>.amazonaws.com
    /<stage>): https:// to post to @connections, wss:// for the web shell to hand the browser as its
    live feed. Both resolve to AWS. MiniStack serves the API on its own port under
    /_aws/execute-api/<api>/<stage> (LocalStack's form), over HTTP and ws://, so each value names
    that instead: what the moto target's runtime does for its local gateway (url_rewrites)."""
    variables = (function.get("Environment") or {}).get("Variables") or {}
    for name, value in variables.items():
        sub = value.get("Fn::Sub") if isinstance(value, dict) else None
        match = _EXECUTE_API_HOST.match(sub) if isinstance(sub, str) else None
        if match:
            scheme, api, stage = match.groups()
            base = ministack_url if scheme == "https" else re.sub(r"^http", "ws", ministack_url)
            variables[name] = {"Fn::Sub": f"{base}/_aws/execute-api/${{{api}}}/${{{stage}}}"}


def _drop_empty_endpoint(function: dict[str, Any]) -> None:
    variables = (function.get("Environment") or {}).get("Variables") or {}
    if variables.get("AWS_ENDPOINT_URL") == "":
        del variables["AWS_ENDPOINT_URL"]


def _drop_depends_on(body: dict[str, Any], dropped: set[str]) -> None:
    depends = body.get("DependsOn")
    if depends is None:
        return
    names = [depends] if isinstance(depends, str) else list(depends)
    kept = [name for name in names if name not in dropped]
    if kept:
        body["DependsOn"] = kept
    else:
        del body["DependsOn"]


def _refers_to(value: Any, names: set[str]) -> bool:
    return isinstance(value, dict) and value.get("Ref") in names


def main(argv: list[str]) -> int:
    source, target = Path(argv[1]), Path(argv[2])
    template = yaml.safe_load(source.read_text())
    ministack_url = argv[3] if len(argv) > 3 else None
    target.write_text(yaml.safe_dump(adapt(template, ministack_url), sort_keys=False, width=120))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
