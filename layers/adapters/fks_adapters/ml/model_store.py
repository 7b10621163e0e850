"""Trained models, their metrics and version in S3.

Layout under the data bucket::

    models/{asset}/{kind}/{version}/model.json | model.pkl   the model
    models/{asset}/{kind}/{version}/metadata.json             metrics, timeframe, trained-on range
    models/{asset}/{kind}/latest.json                         {"version": ...}, written last

``kind`` is ``regime`` (Gaussian HMM parameters, plain JSON) or ``forecast`` (a fitted
scikit-learn classifier, pickled). Pickle is acceptable here only because the bucket is ours and
only the training function writes to it; never load a model from anywhere else. Writing the
``latest.json`` pointer last means a reader never sees a version whose files are incomplete.
"""

from __future__ import annotations

import json
import pickle
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from fks.errors import NotFound
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

KINDS = ("regime", "forecast")


@dataclass(frozen=True, slots=True)
class StoredModel:
    asset: str
    kind: str
    version: str
    model: Any  # dict for a regime model, a fitted classifier for a forecast model
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
        if kind == "regime":
            body, name = json.dumps(model).encode(), "model.json"
        else:
            body, name = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL), "model.pkl"
        self._put(self._key(asset, kind, version, name), body)
        document = {**metadata, "asset": asset, "kind": kind, "version": version}
        self._put(self._key(asset, kind, version, "metadata.json"), json.dumps(document, default=str).encode())
        self._put(self._key(asset, kind, "latest.json"), json.dumps({"version": version}).encode())
        return version

    def latest(self, asset: str, kind: str) -> StoredModel:
        """The newest version; NotFound when nothing has been trained for the asset yet."""
        pointer = json.loads(self._get(self._key(asset, kind, "latest.json"), asset, kind))
        version = str(pointer["version"])
        metadata = json.loads(self._get(self._key(asset, kind, version, "metadata.json"), asset, kind))
        if kind == "regime":
            model = json.loads(self._get(self._key(asset, kind, version, "model.json"), asset, kind))
        else:
            # Our own bucket, written only by the training function (see the module docstring).
            model = pickle.loads(self._get(self._key(asset, kind, version, "model.pkl"), asset, kind))  # noqa: S301
        return StoredModel(asset=asset, kind=kind, version=version, model=model, metadata=metadata)

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
