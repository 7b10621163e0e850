"""Operator notes and the retrieval index in the data bucket.

Layout::

    ai/notes/{note_id}.json             one note; its id derives from its content (a retried POST
                                        writes the same object again)
    ai/index/{build}/text.usearch       the text graph of one build
    ai/index/{build}/market.usearch     the market-state graph of that build
    ai/index/{build}/manifest.json      documents, keys, watermarks
    ai/index/latest.json                {"build": ...}, written last

A build's files are written before the pointer names them, so a reader never loads half a build;
two builds racing each write their own folder and the later pointer wins with a complete index.
Once the pointer has moved, builds older than the one it replaced are deleted: the replaced one
stays for a search that read the old pointer a moment ago.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from fks.ai.index import RetrievalIndex
from fks.errors import NotFound
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

NOTES_PREFIX = "ai/notes/"
INDEX_PREFIX = "ai/index/"
_BLOBS = ("manifest.json", "text.usearch", "market.usearch")


def _missing(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}


class NoteStore:
    def __init__(self, bucket: str, s3: S3Client | None = None) -> None:
        self.bucket = bucket
        self._s3 = s3 or aws_client("s3")

    def put(self, note: dict[str, Any]) -> None:
        self._s3.put_object(
            Bucket=self.bucket,
            Key=f"{NOTES_PREFIX}{note['note_id']}.json",
            Body=json.dumps(note).encode(),
            ContentType="application/json",
        )

    def get(self, note_id: str) -> dict[str, Any] | None:
        try:
            body = self._s3.get_object(Bucket=self.bucket, Key=f"{NOTES_PREFIX}{note_id}.json")["Body"].read()
        except ClientError as error:
            if _missing(error):
                return None
            raise
        note: dict[str, Any] = json.loads(body)
        return note

    def changed_since(self, since_ms: int) -> list[dict[str, Any]]:
        """Every note whose object was written at or after ``since_ms`` (all of them from 0)."""
        notes: list[dict[str, Any]] = []
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=NOTES_PREFIX):
            for item in page.get("Contents", []):
                if int(item["LastModified"].timestamp() * 1000) >= since_ms:
                    body = self._s3.get_object(Bucket=self.bucket, Key=item["Key"])["Body"].read()
                    notes.append(json.loads(body))
        return notes


class IndexStore:
    def __init__(self, bucket: str, s3: S3Client | None = None) -> None:
        self.bucket = bucket
        self._s3 = s3 or aws_client("s3")

    def latest_build(self) -> str | None:
        try:
            body = self._s3.get_object(Bucket=self.bucket, Key=f"{INDEX_PREFIX}latest.json")["Body"].read()
        except ClientError as error:
            if _missing(error):
                return None
            raise
        build: str = json.loads(body)["build"]
        return build

    def load(self, build: str) -> RetrievalIndex:
        blobs = {
            name: self._s3.get_object(Bucket=self.bucket, Key=f"{INDEX_PREFIX}{build}/{name}")["Body"].read()
            for name in _BLOBS
        }
        return RetrievalIndex.from_blobs(blobs)

    def save(self, index: RetrievalIndex, build: str, replaced: str | None = None) -> None:
        for name, blob in index.to_blobs().items():
            self._s3.put_object(Bucket=self.bucket, Key=f"{INDEX_PREFIX}{build}/{name}", Body=blob)
        self._s3.put_object(
            Bucket=self.bucket,
            Key=f"{INDEX_PREFIX}latest.json",
            Body=json.dumps({"build": build, "documents": len(index)}).encode(),
            ContentType="application/json",
        )
        self._delete_builds_except({build, replaced} - {None})

    def _delete_builds_except(self, kept: set[str | None]) -> None:
        stale: list[dict[str, str]] = []
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=INDEX_PREFIX):
            for item in page.get("Contents", []):
                folder = item["Key"][len(INDEX_PREFIX) :].split("/", 1)
                if len(folder) == 2 and folder[0] not in kept:
                    stale.append({"Key": item["Key"]})
        for start in range(0, len(stale), 1000):  # DeleteObjects takes at most 1,000 keys
            self._s3.delete_objects(Bucket=self.bucket, Delete={"Objects": stale[start : start + 1000]})  # type: ignore[typeddict-item]


class IndexCache:
    """The latest build, loaded once per container and again only when a newer build exists."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self._build: str | None = None
        self._index: RetrievalIndex | None = None

    def current(self) -> RetrievalIndex:
        build = self.store.latest_build()
        if build is None:
            raise NotFound("the retrieval index has not been built yet: its schedule builds it (AiIndexBuild)")
        if build != self._build or self._index is None:
            self._index, self._build = self.store.load(build), build
        return self._index
