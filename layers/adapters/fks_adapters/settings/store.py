"""The settings as the settings API edits them: SSM parameters, and a DynamoDB audit trail that
also serialises the edits.

An edit names the version it was made from (the parameter's SSM version, as ``GET /settings``
shows it). Before writing SSM the editor claims the audit entry of the next version with a
conditional put: of two edits made from the same version only one claims it, and the other gets
a 409 naming the version it must reload. A writer that died between its claim and its SSM write
leaves the claim unapplied; once the claim is older than ``lease_s`` (longer than the function's
timeout, so its writer is surely gone) the next edit takes it over.

Each audit entry says who changed what from what to what, and when.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from fks.errors import BadRequest, Conflict, TemporaryError
from fks.settings import SETTINGS, setting
from fks.settings.catalogue import MAX_VALUE_BYTES
from fks_adapters.aws.lazy import aws_client, aws_resource

DEFAULT_LEASE_S = 60.0


def _iso(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True)
class StoredSetting:
    name: str
    value: Any
    version: int
    modified_at: str

    def as_dict(self) -> dict[str, Any]:
        definition = setting(self.name)
        return {
            "name": self.name,
            "description": definition.description,
            "value": self.value,
            "effective": definition.effective(self.value),
            "version": self.version,
            "modified_at": self.modified_at,
            "initial_from": definition.template_parameter,
        }


class SettingsStore:
    def __init__(
        self,
        prefix: str,
        audit_table: str,
        ssm: Any = None,
        dynamodb: Any = None,
        clock: Callable[[], float] = time.time,
        lease_s: float = DEFAULT_LEASE_S,
    ) -> None:
        self.prefix = prefix.rstrip("/")
        self._ssm = ssm or aws_client("ssm")
        self._audit = (dynamodb or aws_resource("dynamodb")).Table(audit_table)
        self._clock = clock
        self.lease_s = lease_s

    def _path(self, name: str) -> str:
        return f"{self.prefix}/{name}"

    def _stored(self, name: str, parameter: dict[str, Any]) -> StoredSetting:
        modified = parameter.get("LastModifiedDate")
        modified_at = modified.astimezone(UTC).isoformat().replace("+00:00", "Z") if modified else ""
        return StoredSetting(name, json.loads(parameter["Value"]), int(parameter["Version"]), modified_at)

    def read(self, name: str) -> StoredSetting:
        setting(name)  # an unknown name is a 404 naming the known ones
        try:
            parameter = self._ssm.get_parameter(Name=self._path(name))["Parameter"]
        except self._ssm.exceptions.ParameterNotFound as error:
            raise TemporaryError(f"setting {self._path(name)} is missing from the stack") from error
        return self._stored(name, parameter)

    def read_all(self) -> list[StoredSetting]:
        names = sorted(SETTINGS)
        answer = self._ssm.get_parameters(Names=[self._path(name) for name in names])
        by_path = {parameter["Name"]: parameter for parameter in answer["Parameters"]}
        missing = [self._path(name) for name in names if self._path(name) not in by_path]
        if missing:
            raise TemporaryError(f"settings missing from the stack: {', '.join(missing)}")
        return [self._stored(name, by_path[self._path(name)]) for name in names]

    def update(self, name: str, value: Any, expected_version: int, by: str) -> tuple[StoredSetting, bool]:
        """Store ``value`` (already validated) if the setting is still at ``expected_version``;
        answers the stored setting and whether it changed. Repeating an applied edit changes nothing."""
        current = self.read(name)
        new_text = _text(value)
        if new_text == _text(current.value):
            return current, False  # already so: a repeated request, or nothing to change
        if current.version != expected_version:
            raise Conflict(
                f"{name} changed since version {expected_version}: it is at version {current.version}; "
                "reload it and edit again",
                details={"setting": name, "version": current.version, "expected_version": expected_version},
            )
        if len(new_text.encode()) > MAX_VALUE_BYTES:
            raise BadRequest(f"{name} is {len(new_text.encode())} bytes as JSON; the store holds {MAX_VALUE_BYTES}")
        version = expected_version + 1
        claimed_ms = self._claim(name, version, current, new_text, by)
        try:
            put = self._ssm.put_parameter(Name=self._path(name), Value=new_text, Type="String", Overwrite=True)
        except ClientError as error:
            # Nothing was stored: give the version back at once rather than after the lease.
            self._audit.delete_item(
                Key={"setting": name, "version": version},
                ConditionExpression="applied = :no AND at_ms = :at",
                ExpressionAttributeValues={":no": False, ":at": claimed_ms},
            )
            raise TemporaryError(f"could not store {name}: {error}; nothing changed, try again") from error
        self._audit.update_item(
            Key={"setting": name, "version": version},
            UpdateExpression="SET applied = :yes, parameter_version = :pv",
            ExpressionAttributeValues={":yes": True, ":pv": int(put["Version"])},
        )
        return self.read(name), True

    def _claim(self, name: str, version: int, current: StoredSetting, new_text: str, by: str) -> int:
        """Claim the audit entry of ``version``; answers the claim's time (its identity)."""
        now_ms = int(self._clock() * 1000)
        try:
            self._audit.put_item(
                Item={
                    "setting": name,
                    "version": version,
                    "from_value": _text(current.value),
                    "to_value": new_text,
                    "by": by,
                    "at_ms": now_ms,
                    "applied": False,
                },
                ConditionExpression="attribute_not_exists(version) OR (applied = :no AND at_ms < :stale)",
                ExpressionAttributeValues={":no": False, ":stale": now_ms - int(self.lease_s * 1000)},
            )
        except self._audit.meta.client.exceptions.ConditionalCheckFailedException:
            raise Conflict(
                f"{name} is being changed from version {current.version} by another edit; reload it and edit again",
                details={"setting": name, "version": current.version},
            ) from None
        return now_ms

    def history(self, name: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Applied changes, newest first: who changed which setting from what to what, and when."""
        from boto3.dynamodb.conditions import Key  # boto3 loads on first use (fks_adapters.aws.lazy)

        names = [setting(name).name] if name else sorted(SETTINGS)
        entries: list[dict[str, Any]] = []
        for each in names:
            items = self._audit.query(
                KeyConditionExpression=Key("setting").eq(each), ScanIndexForward=False, Limit=limit
            )["Items"]
            entries.extend(item for item in items if item.get("applied"))
        entries.sort(key=lambda item: int(item["at_ms"]), reverse=True)
        return [
            {
                "setting": item["setting"],
                "version": int(item["version"]),
                "by": item["by"],
                "at": _iso(int(item["at_ms"])),
                "from": json.loads(str(item["from_value"])),
                "to": json.loads(str(item["to_value"])),
            }
            for item in entries[:limit]
        ]
