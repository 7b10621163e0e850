"""Backtest and optimisation results in the data bucket: a JSON document and its PNG plots.

Layout: ``backtests/<id>/result.json``, ``backtests/<id>/<plot>.png`` (and ``optimizations/``
likewise). The JSON is written last, so a reader that finds it finds the plots too.

Each stored result also gets a small summary under ``backtests/index/<newest-first>-<id>.json``,
written after the document: ``<newest-first>`` is the time the result was stored subtracted from a
far-future constant, zero-padded, so S3's ascending key order lists the newest result first and a
page is one ``ListObjectsV2`` call. The index sits under the kind's prefix, so the bucket's
retention rule expires an entry with its result.
"""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from fks.errors import BadRequest, NotFound
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

RESULT_FILE = "result.json"
INDEX_FOLDER = "index"
# 10^13 ms is the year 2286: every stored time subtracted from it keeps 13 digits.
_NEWEST_FIRST_BASE = 10**13
PAGE_CURSOR_PATTERN = r"^[0-9]{13}-[A-Za-z0-9_-]{1,64}$"
_PARALLEL_READS = 8


class ResultStore:
    def __init__(self, bucket: str, kind: str, s3: S3Client | None = None) -> None:
        self.bucket = bucket
        self.kind = kind  # "backtests" or "optimizations"
        self._s3 = s3 or aws_client("s3")

    def key(self, result_id: str, name: str) -> str:
        return f"{self.kind}/{result_id}/{name}"

    def put(
        self,
        result_id: str,
        document: dict[str, Any],
        plots: dict[str, Path] | None = None,
        summary: dict[str, Any] | None = None,
    ) -> dict[str, str]:
        """Upload the plots, then the document (with the plots' keys in it), then its ``summary``
        in the newest-first index (``list_recent``); returns the plot keys."""
        keys: dict[str, str] = {}
        for name, path in (plots or {}).items():
            keys[name] = self.key(result_id, f"{name}.png")
            self._s3.put_object(Bucket=self.bucket, Key=keys[name], Body=path.read_bytes(), ContentType="image/png")
        body = json.dumps({**document, "plots": keys}, default=str).encode()
        self._s3.put_object(
            Bucket=self.bucket, Key=self.key(result_id, RESULT_FILE), Body=body, ContentType="application/json"
        )
        if summary is not None:
            self.add_to_index(result_id, summary)
        return keys

    def add_to_index(self, result_id: str, summary: dict[str, Any]) -> None:
        """List ``summary`` first in ``list_recent`` (a fanned-out optimisation is listed as it starts)."""
        stored_at = int(time.time() * 1000)
        entry = {"id": result_id, "stored_at": stored_at, **summary}
        name = f"{_NEWEST_FIRST_BASE - stored_at:013d}-{result_id}"
        self._s3.put_object(
            Bucket=self.bucket,
            Key=self.key(INDEX_FOLDER, f"{name}.json"),
            Body=json.dumps(entry, default=str).encode(),
            ContentType="application/json",
        )

    def list_recent(self, limit: int, after: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """Summaries of stored results, newest first, ``limit`` at a time; ``after`` is the page
        cursor the previous page returned. Returns the page and the next page's cursor (None: last)."""
        prefix = self.key(INDEX_FOLDER, "")
        request: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix, "MaxKeys": limit}
        if after is not None:
            if not re.match(PAGE_CURSOR_PATTERN, after):
                raise BadRequest(
                    f"after must be a page cursor this API returned, got {after!r}", details={"after": after}
                )
            request["StartAfter"] = f"{prefix}{after}.json"
        listed = self._s3.list_objects_v2(**request)
        keys = [item["Key"] for item in listed.get("Contents", [])]
        with ThreadPoolExecutor(max_workers=_PARALLEL_READS) as pool:
            page = list(pool.map(self._read_json, keys))
        cursor = keys[-1][len(prefix) : -len(".json")] if keys and listed.get("IsTruncated") else None
        return page, cursor

    def _read_json(self, key: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())
        return document

    def get(self, result_id: str) -> dict[str, Any]:
        try:
            body = self._s3.get_object(Bucket=self.bucket, Key=self.key(result_id, RESULT_FILE))["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise NotFound(f"no {self.kind[:-1]} {result_id!r}", details={"id": result_id}) from None
            raise
        document: dict[str, Any] = json.loads(body)
        return document
