"""What a test needs to know about a running stack, whichever emulator holds it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from fks_local.deploy import DeployedStack
    from fks_local.stack import LocalStack


@dataclass
class StackHandle:
    endpoint_url: str
    deployed: DeployedStack
    api_urls: dict[str, str]
    exchange_url: str | None
    clients: Any
    api_keys: dict[str, str] = field(default_factory=dict)  # scope -> a key holding just that scope
    gateways: dict[str, Any] = field(default_factory=dict)  # the local API gateways, by RestApi id
    websocket_urls: dict[str, str] = field(default_factory=dict)  # the local WebSocket APIs, by logical id
    simulator: Any = None  # the exchange simulator, to inject faults (None against an external stack)
    runtime: Any = None  # the local Lambda runtime (None against an external stack)
    # Where a browser opens a REST API when not at its api_urls entry (MiniStack: the API's own host).
    browser_urls: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_stack(cls, stack: LocalStack) -> StackHandle:
        assert stack.deployed is not None
        return cls(
            stack.endpoint_url,
            stack.deployed,
            {name: gateway.url for name, gateway in stack.gateways.items()},
            stack.simulator.url if stack.simulator else None,
            stack.clients,
            gateways=dict(stack.gateways),
            websocket_urls={name: gateway.url for name, gateway in stack.websocket_gateways.items()},
            simulator=stack.simulator,
            runtime=stack.emulator.runtime if stack.emulator else None,
        )

    def function(self, logical_id: str) -> str:
        return self.deployed.physical_id(logical_id)

    def output(self, name: str) -> Any:
        return self.deployed.outputs[name]

    @property
    def api_url(self) -> str:
        return self.api_urls["FksApi"]

    @property
    def browser_api_url(self) -> str:
        """The API's stage as the dashboard's browser opens it. The web shell's <base> is the request's
        path (/v1/web/, as API Gateway reports it), so the stage must sit at the root of its host."""
        return self.browser_urls.get("FksApi", self.api_url)

    def issue_api_keys(self) -> None:
        """One key per scope, made the way `fks keys create` makes them."""
        from fks.auth.principal import Scope
        from fks_adapters.aws.api_key_store import ApiKeyStore, UsagePlanKeys, create_key

        store = ApiKeyStore(self.output("ApiKeysTableName"), self.clients("dynamodb"))
        plan = UsagePlanKeys(self.output("ApiUsagePlanId"), self.clients("apigateway"))
        for scope in Scope:
            self.api_keys[scope.value] = create_key(store, plan, f"tests-{scope.value}", frozenset({scope})).presented

    def api(self, method: str, path: str, scope: str = "admin", **kwargs: Any) -> requests.Response:
        """An HTTP request to the local API carrying a key with ``scope``, as every client sends
        one: ``Authorization: Bearer <key>``."""
        key = self.api_keys[scope]
        headers = {"Authorization": f"Bearer {key}", **kwargs.pop("headers", {})}
        return requests.request(method, f"{self.api_url}{path}", headers=headers, timeout=60, **kwargs)

    def wait_for_event_invocations(self, timeout_s: float = 120) -> None:
        """Wait until the asynchronous invocations functions started (collection starting
        generate_signals) have finished, so a test does not race them."""
        assert self.runtime is not None, "only the embedded local stack can be waited on"
        self.runtime.wait_for_events(timeout_s)

    def wait_for_execution(self, execution_arn: str, timeout_s: float = 120) -> dict[str, Any]:
        """The execution's description once it stops running."""
        sfn = self.clients("stepfunctions")
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            description = sfn.describe_execution(executionArn=execution_arn)
            if description["status"] != "RUNNING":
                return dict(description)
            time.sleep(0.25)
        raise AssertionError(f"{execution_arn} still running after {timeout_s}s")

    def fire_schedule(self, logical_id: str) -> list[dict[str, Any]]:
        """Fire the template's schedule rule ``logical_id`` once, now, as EventBridge delivers it, and
        wait for each target's answer ({"target", "error", "payload"}). Whatever the rule's state:
        the tests' stacks fire nothing by themselves (no scheduler on the moto target, every rule
        paused on MiniStack), so a test fires what it needs. The rule is found by its physical id
        (CloudFormation's on MiniStack, fks_local's deployer's on moto), not by a naming scheme."""
        from fks_local.scheduler import scheduled_event

        resource = self.deployed.resources[logical_id]
        if resource.resource_type != "AWS::Events::Rule":
            raise ValueError(f"{logical_id} is a {resource.resource_type}, not an EventBridge rule")
        events = self.clients("events")
        rule = events.describe_rule(Name=resource.physical_id)
        _, _, _, region, account, _ = rule["Arn"].split(":", 5)
        default = scheduled_event(rule["Arn"], account, region, datetime.now(UTC))
        targets = events.list_targets_by_rule(Rule=resource.physical_id)["Targets"]
        if not targets:
            raise ValueError(f"{logical_id} has no target to fire")
        answers = []
        for target in targets:
            if target["Arn"].split(":")[2] != "lambda":
                raise ValueError(f"{logical_id}'s target {target['Arn']} is not a Lambda function")
            payload = target.get("Input") or json.dumps(default)  # a constant Input replaces the event
            response = self.clients("lambda").invoke(FunctionName=target["Arn"], Payload=payload.encode())
            body = response["Payload"].read().decode()
            answers.append({"target": target["Arn"], "error": response.get("FunctionError"), "payload": body})
        return answers


@contextmanager
def running_stack(
    state_dir: Path, parameters: dict[str, str] | None = None, stack_name: str = "fks-local"
) -> Iterator[StackHandle]:
    """A local stack of the project's template (no schedules: tests fire what they need), with
    one API key per scope, stopped afterwards. A second stack in the same session needs its own
    ``stack_name`` and ``Stage`` parameter: the emulator's services are shared by the process."""
    from fks_local.stack import LocalStack, StackOptions

    options = StackOptions(state_dir=state_dir, stack_name=stack_name, schedules=False, parameters=parameters or {})
    stack = LocalStack(options)
    stack.start()
    try:
        handle = StackHandle.from_stack(stack)
        handle.issue_api_keys()
        yield handle
    finally:
        stack.stop()
