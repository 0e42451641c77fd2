"""A partition's open segment: the records since its last committed offset, one file per day.

All files of a segment are written together and then its end offset is committed, so at every
committed offset no file is open. A restart therefore begins in the same state the first run was
in, and because rotation depends only on the records (count, event-time bucket) it cuts the same
files with the same names and bytes.

A file is a series of gzip members, one per chunk of its lines (RFC 1952 allows any number;
gzip, Python, Spark and DuckDB read them as one stream). A chunk is cut after the line that
brings it to CHUNK_BYTES, so the cuts too depend only on the records, and each chunk is handed to
`submit` (the lander's ChunkCompressor) as soon as it is full. Compressing a whole file when its
segment closed re-read its lines from memory long after they were written: two thirds of a
gigabyte a million records on a machine where memory traffic slows everything else. A
diagnostic lander with no lines to copy or compress ran at 0.90 of a plain consumer, against
0.76 for the lander as it was (bench/README.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from isal import igzip

# ISA-L's level 1: on transaction JSON it compresses as well as zlib's level 6 at a sixth of
# zlib level 3's CPU. Same bytes for the same input and library version.
GZIP_LEVEL = 1
# Small enough for the chunks in flight to stay in the CPU's cache until compressed; large enough
# that a member's own header and fresh dictionary cost little (1.01 of one member per 6 MB file;
# 1.05 at 256 KiB) and that compressor threads take the GIL rarely (smaller chunks were slower).
CHUNK_BYTES = 1024 * 1024

Submit = Callable[[Any], Any]  # a full chunk (bytes or a buffer) -> its part: a gzip member, or a future of one


def jsonl_line(value: bytes) -> bytes:
    """The record as one JSON line (no newline); a pretty-printed payload is re-encoded compactly."""
    if b"\n" in value or b"\r" in value:
        return msgspec.json.encode(msgspec.json.decode(value))
    return value


def bucket_of(epoch_s: float, interval_s: int) -> int:
    """The rotation bucket of an event time (epoch seconds); one bucket when rotation by time is off."""
    return int(epoch_s // interval_s) if interval_s > 0 else 0


def compress(lines: Any) -> bytes:
    """One gzip member with mtime=0 and no file name, so equal content gives equal bytes."""
    return igzip.compress(lines, compresslevel=GZIP_LEVEL, mtime=0)


def file_bytes(parts: list[Any]) -> bytes:
    """A file's bytes from its parts, in order: gzip members, or futures of them."""
    return b"".join(part if isinstance(part, bytes) else part.result() for part in parts)


@dataclass
class DayFile:
    start_offset: int
    submit: Submit = compress
    chunk_bytes: int = CHUNK_BYTES
    parts: list[Any] = field(default_factory=list)  # what submit returned for each full chunk
    lines: list[bytes] = field(default_factory=list)  # the open chunk's
    size: int = 0

    def append(self, value: bytes) -> None:
        line = jsonl_line(value)
        self.lines.append(line)
        self.size += len(line) + 1
        if self.size >= self.chunk_bytes:
            self._hand_out()

    def close(self) -> list[Any]:
        """Every part, the open chunk's too."""
        if self.lines:
            self._hand_out()
        return self.parts

    def _hand_out(self) -> None:
        self.parts.append(self.submit(b"\n".join(self.lines) + b"\n"))
        self.lines, self.size = [], 0


@dataclass(frozen=True)
class ClosedSegment:
    """A segment ready to write; the native builder's ClosedSegment has the same attributes."""

    partition: int
    files: list[tuple[str, int, list[Any]]]  # (day, start offset, parts), by day
    count: int
    last_offset: int


@dataclass
class Segment:
    rotate_records: int
    rotate_interval_s: int
    submit: Submit = compress
    chunk_bytes: int = CHUNK_BYTES
    files: dict[str, DayFile] = field(default_factory=dict)
    count: int = 0
    first_bucket: int | None = None
    last_offset: int = -1

    def bucket(self, epoch_s: float) -> int:
        return bucket_of(epoch_s, self.rotate_interval_s)

    def rotates_before(self, bucket: int) -> bool:
        """True if a record of this event-time bucket must start a new segment."""
        return self.count > 0 and self.first_bucket is not None and bucket > self.first_bucket

    def add(self, offset: int, day: str, bucket: int, value: bytes) -> None:
        if self.first_bucket is None:
            self.first_bucket = bucket
        day_file = self.files.get(day)
        if day_file is None:
            day_file = self.files[day] = DayFile(offset, self.submit, self.chunk_bytes)
        day_file.append(value)
        self.count += 1
        self.last_offset = offset

    @property
    def full(self) -> bool:
        return self.count >= self.rotate_records

    def close(self, partition: int) -> ClosedSegment:
        files = [(day, f.start_offset, f.close()) for day, f in sorted(self.files.items())]
        return ClosedSegment(partition, files, self.count, self.last_offset)
