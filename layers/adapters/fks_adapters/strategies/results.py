"""Backtest and optimisation results in the data bucket: a JSON document and its PNG plots.

Layout: ``backtests/<id>/result.json``, ``backtests/<id>/<plot>.png`` (and ``optimizations/``
likewise). The JSON is written last, so a reader that finds it finds the plots too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import ClientError

from fks.errors import NotFound

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

RESULT_FILE = "result.json"


class ResultStore:
    def __init__(self, bucket: str, kind: str, s3: S3Client | None = None) -> None:
        self.bucket = bucket
        self.kind = kind  # "backtests" or "optimizations"
        self._s3 = s3 or boto3.client("s3")

    def key(self, result_id: str, name: str) -> str:
        return f"{self.kind}/{result_id}/{name}"

    def put(self, result_id: str, document: dict[str, Any], plots: dict[str, Path] | None = None) -> dict[str, str]:
        """Upload the plots, then the document (with the plots' keys in it); returns the plot keys."""
        keys: dict[str, str] = {}
        for name, path in (plots or {}).items():
            keys[name] = self.key(result_id, f"{name}.png")
            self._s3.put_object(Bucket=self.bucket, Key=keys[name], Body=path.read_bytes(), ContentType="image/png")
        body = json.dumps({**document, "plots": keys}, default=str).encode()
        self._s3.put_object(
            Bucket=self.bucket, Key=self.key(result_id, RESULT_FILE), Body=body, ContentType="application/json"
        )
        return keys

    def get(self, result_id: str) -> dict[str, Any]:
        try:
            body = self._s3.get_object(Bucket=self.bucket, Key=self.key(result_id, RESULT_FILE))["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise NotFound(f"no {self.kind[:-1]} {result_id!r}", details={"id": result_id}) from None
            raise
        document: dict[str, Any] = json.loads(body)
        return document
