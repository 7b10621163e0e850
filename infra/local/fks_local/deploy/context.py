"""What every resource handler needs: clients bound to the target endpoint, and naming."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from botocore.config import Config

from fks_local.aws_session import client_factory


@dataclass
class Deployed:
    """A created resource: its physical id (what Ref returns) and its GetAtt attributes."""

    logical_id: str
    resource_type: str
    physical_id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)


class DeployContext:
    def __init__(self, endpoint_url: str, region: str, stack_name: str) -> None:
        self.endpoint_url = endpoint_url
        self.region = region
        self.stack_name = stack_name
        self.client = client_factory(
            endpoint_url, region, config=Config(retries={"max_attempts": 2, "mode": "standard"})
        )
        self.account_id = str(self.client("sts").get_caller_identity()["Account"])

    def default_name(self, logical_id: str, max_length: int = 64, lowercase: bool = False) -> str:
        """CloudFormation's naming (stack-LogicalId), without its random suffix so that local
        names are the same on every deploy."""
        name = f"{self.stack_name}-{logical_id}"
        if lowercase:
            name = re.sub(r"[^a-z0-9.-]", "-", name.lower())
        return name[:max_length]

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource}"
