"""Read access to the lake for Dagster: one interface over a local directory and an S3 bucket.

Listing returns keys relative to the lake root with size and last-modified time, which is what
the landed-files sensor and the raw_transactions asset need; Spark reads the data itself.
"""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse


@dataclass(frozen=True, order=True)
class LakeObject:
    last_modified: float  # seconds since the epoch, first so objects sort by time
    key: str
    size: int


class LakeStorage:
    """Base: a root URI and how to list and read objects under it."""

    def __init__(self, root: str) -> None:
        self.root = root.rstrip("/")

    def list(self, prefix: str) -> Iterator[LakeObject]:
        raise NotImplementedError

    def read_bytes(self, key: str) -> bytes:
        raise NotImplementedError

    def uri(self, key: str) -> str:
        return f"{self.root}/{key}"

    def count_jsonl_gz_records(self, key: str) -> int:
        with gzip.GzipFile(fileobj=io.BytesIO(self.read_bytes(key))) as f:
            return sum(1 for line in f if line.strip())


class LocalLakeStorage(LakeStorage):
    def list(self, prefix: str) -> Iterator[LakeObject]:
        base = Path(self.root)
        start = base / prefix
        if not start.exists():
            return
        for dirpath, _, filenames in os.walk(start):
            for name in filenames:
                if name.startswith("."):  # writers' temporary files
                    continue
                path = Path(dirpath) / name
                stat = path.stat()
                yield LakeObject(stat.st_mtime, path.relative_to(base).as_posix(), stat.st_size)

    def read_bytes(self, key: str) -> bytes:
        return (Path(self.root) / key).read_bytes()


class S3LakeStorage(LakeStorage):
    def __init__(self, root: str, client) -> None:
        super().__init__(root)
        parsed = urlparse(self.root)
        self.bucket, self.base = parsed.netloc, parsed.path.strip("/")
        self.client = client

    def _full(self, key: str) -> str:
        return f"{self.base}/{key}" if self.base else key

    def list(self, prefix: str) -> Iterator[LakeObject]:
        paginator = self.client.get_paginator("list_objects_v2")
        strip = len(self.base) + 1 if self.base else 0
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._full(prefix)):
            for obj in page.get("Contents", []):
                modified: datetime = obj["LastModified"]
                yield LakeObject(modified.astimezone(timezone.utc).timestamp(), obj["Key"][strip:], obj["Size"])

    def read_bytes(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self._full(key))["Body"].read()
