"""One file-system interface over the lake's two homes: a local directory and an S3 bucket.

Writers need whole-object semantics: a key either holds a complete file or does not exist.
Locally that is a temp file + fsync + rename; on S3 a PUT is atomic already. Writing the
same key again replaces it, which is what makes a replayed lander idempotent.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

from fraud_platform.settings import Settings


class LakeFileSystem:
    """Keys are '/'-separated paths relative to the lake root."""

    root: str

    def write(self, key: str, data: bytes) -> None:
        raise NotImplementedError

    def read(self, key: str) -> bytes:
        raise NotImplementedError

    def list(self, prefix: str) -> Iterator[str]:
        """Keys under prefix, sorted."""
        raise NotImplementedError


class LocalLake(LakeFileSystem):
    def __init__(self, root: str | Path) -> None:
        self.root = str(root)
        self._base = Path(root)
        self._made: set[str] = set()  # directories known to exist: one mkdir per day, not per file

    def write(self, key: str, data: bytes) -> None:
        target = os.path.join(self.root, key)
        parent, name = os.path.split(target)
        if parent not in self._made:
            os.makedirs(parent, exist_ok=True)
            self._made.add(parent)
        # Hidden temp name in the same directory (readers skip dot-files, rename is atomic),
        # unique per process and thread so concurrent writers of one key never share it.
        tmp = os.path.join(parent, f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except FileNotFoundError:
            self._made.discard(parent)  # the directory was removed behind our back: recreate next time
            _unlink_quietly(tmp)
            raise
        except BaseException:
            _unlink_quietly(tmp)
            raise

    def read(self, key: str) -> bytes:
        return (self._base / key).read_bytes()

    def list(self, prefix: str) -> Iterator[str]:
        start = self._base / prefix
        if not start.exists():
            return iter(())
        keys = [
            path.relative_to(self._base).as_posix()
            for path in start.rglob("*")
            if path.is_file() and not path.name.startswith(".")
        ]
        return iter(sorted(keys))


class S3Lake(LakeFileSystem):
    def __init__(self, client, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.root = f"s3://{bucket}/{self.prefix}".rstrip("/")

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def write(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()

    def list(self, prefix: str) -> Iterator[str]:
        strip = len(self.prefix) + 1 if self.prefix else 0
        keys = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
            keys += [obj["Key"][strip:] for obj in page.get("Contents", [])]
        return iter(sorted(keys))


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def open_lake(settings: Settings, root: str | None = None) -> LakeFileSystem:
    """The lake at `root` (default settings.lake_root): a directory or s3://bucket[/prefix]."""
    root = root or settings.lake_root
    if root.startswith("s3://"):
        from fraud_platform.stack.s3_server import s3_client

        parsed = urlparse(root)
        return S3Lake(s3_client(settings.s3, timeout_s=30), parsed.netloc, parsed.path)
    return LocalLake(root)
