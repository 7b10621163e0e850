"""Trained models, their metrics and version in S3.

Layout under the data bucket::

    models/{asset}/{kind}/{version}/model.json      the model
    models/{asset}/{kind}/{version}/metadata.json   metrics, timeframe, trained-on range
    models/{asset}/{kind}/latest.json               {"version": ...}, written last

``kind`` is ``regime`` (Gaussian HMM parameters) or ``forecast`` (the gradient-boosted trees as
arrays, ``fks.ml.trees``): both plain JSON, so reading a model can never execute code, whoever
wrote the file (no pickle). A version stored as ``model.pkl`` by an older release is refused with
the advice to retrain. Writing the ``latest.json`` pointer last means a reader never sees a version
whose files are incomplete.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from fks.errors import BadRequest, NotFound
from fks.strategies.models import ServedModel
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

KINDS = ("regime", "forecast")


@dataclass(frozen=True, slots=True)
class StoredModel:
    asset: str
    kind: str
    version: str
    model: dict[str, Any]  # the model's JSON document
    metadata: dict[str, Any]


def new_version(now: datetime | None = None) -> str:
    """Sortable UTC timestamp: versions list in training order."""
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")


class ModelStore:
    def __init__(self, bucket: str, s3: S3Client | None = None, prefix: str = "models") -> None:
        self.bucket = bucket
        self.prefix = prefix
        self._s3 = s3 or aws_client("s3")

    def _key(self, asset: str, kind: str, *parts: str) -> str:
        if kind not in KINDS:
            raise ValueError(f"unknown model kind {kind!r}; one of {', '.join(KINDS)}")
        return "/".join((self.prefix, asset, kind, *parts))

    def put(self, asset: str, kind: str, model: Any, metadata: dict[str, Any], version: str | None = None) -> str:
        """Store one model version and point ``latest`` at it; returns the version."""
        version = version or new_version()
        if not isinstance(model, dict):
            raise TypeError("a model is stored as its JSON document (RegimeModel.to_json, TreeEnsemble.to_json)")
        self._put(self._key(asset, kind, version, "model.json"), json.dumps(model).encode())
        document = {**metadata, "asset": asset, "kind": kind, "version": version}
        self._put(self._key(asset, kind, version, "metadata.json"), json.dumps(document, default=str).encode())
        self._put(self._key(asset, kind, "latest.json"), json.dumps({"version": version}).encode())
        return version

    def latest(self, asset: str, kind: str) -> StoredModel:
        """The newest version; NotFound when nothing has been trained for the asset yet."""
        pointer = json.loads(self._get(self._key(asset, kind, "latest.json"), asset, kind))
        version = str(pointer["version"])
        metadata = json.loads(self._get(self._key(asset, kind, version, "metadata.json"), asset, kind))
        try:
            model = json.loads(self._get(self._key(asset, kind, version, "model.json"), asset, kind))
        except NotFound:
            raise NotFound(
                f"the {kind} model of {asset} (version {version}) is not stored as JSON (an older pickled "
                f"model is never loaded); retrain it with POST /models/{asset}/train",
                details={"asset": asset, "kind": kind, "version": version},
            ) from None
        return StoredModel(asset=asset, kind=kind, version=version, model=model, metadata=metadata)

    def served(self, asset: str, kind: str) -> ServedModel:
        """The latest version as the strategies use it (``fks.strategies.models.ModelSource``)."""
        stored = self.latest(asset, kind)
        try:
            trained_until = int(stored.metadata["report"]["end_ms"])
            trained_bars = int(stored.metadata["report"]["bars"])
            timeframe = str(stored.metadata["timeframe"])
        except (KeyError, TypeError, ValueError):
            raise BadRequest(
                f"the {kind} model of {asset} (version {stored.version}) has no training range or bar count in its "
                f"metadata; retrain it with POST /models/{asset}/train",
                details={"asset": asset, "kind": kind, "version": stored.version},
            ) from None
        return ServedModel(kind, asset, stored.version, timeframe, trained_until, stored.model, trained_bars)

    def _put(self, key: str, body: bytes) -> None:
        self._s3.put_object(Bucket=self.bucket, Key=key, Body=body)

    def _get(self, key: str, asset: str, kind: str) -> bytes:
        try:
            return self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise NotFound(
                    f"no {kind} model for {asset}; train one with POST /models/{asset}/train",
                    details={"asset": asset, "kind": kind},
                ) from None
            raise
