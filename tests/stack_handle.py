"""What a test needs to know about a running stack, whichever emulator holds it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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

    @classmethod
    def from_stack(cls, stack: LocalStack) -> StackHandle:
        assert stack.deployed is not None
        return cls(
            stack.endpoint_url,
            stack.deployed,
            {name: gateway.url for name, gateway in stack.gateways.items()},
            stack.simulator.url if stack.simulator else None,
            stack.clients,
        )

    def function(self, logical_id: str) -> str:
        return self.deployed.physical_id(logical_id)

    def output(self, name: str) -> Any:
        return self.deployed.outputs[name]

    @property
    def api_url(self) -> str:
        return self.api_urls["FksApi"]
