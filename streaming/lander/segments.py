"""A partition's open segment: the records since its last committed offset, one buffer per day.

All files of a segment are written together and then its end offset is committed, so at every
committed offset no file is open. A restart therefore begins in the same state the first run was
in, and because rotation depends only on the records (count, event-time bucket) it cuts the same
files with the same names and bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import msgspec
from isal import igzip

# ISA-L's level 1: on transaction JSON it compresses as well as zlib's level 6 at a sixth of
# zlib level 3's CPU. Same bytes for the same input and library version.
GZIP_LEVEL = 1


def jsonl_line(value: bytes) -> bytes:
    """The record as one JSON line (no newline); a pretty-printed payload is re-encoded compactly."""
    if b"\n" in value or b"\r" in value:
        return msgspec.json.encode(msgspec.json.decode(value))
    return value


def bucket_of(epoch_s: float, interval_s: int) -> int:
    """The rotation bucket of an event time (epoch seconds); one bucket when rotation by time is off."""
    return int(epoch_s // interval_s) if interval_s > 0 else 0


def compress(lines: bytes) -> bytes:
    """A file's bytes: gzip with mtime=0 and no file name, so equal content gives equal bytes."""
    return igzip.compress(lines, compresslevel=GZIP_LEVEL, mtime=0)


@dataclass
class DayFile:
    start_offset: int
    values: list[bytes] = field(default_factory=list)

    def lines(self) -> bytes:
        """The file's content: one JSON line per record, each ending in a newline."""
        lines = b"\n".join(self.values) + b"\n"
        # One scan of the whole file instead of two per record; a pretty-printed value is rare.
        if lines.count(b"\n") != len(self.values) or b"\r" in lines:
            lines = b"\n".join(jsonl_line(value) for value in self.values) + b"\n"
        return lines

    def encode(self) -> bytes:
        return compress(self.lines())


@dataclass(frozen=True)
class ClosedSegment:
    """A segment ready to write; the native builder's ClosedSegment has the same attributes."""

    partition: int
    files: list[tuple[str, int, bytes]]  # (day, start offset, JSON lines), by day
    count: int
    last_offset: int


@dataclass
class Segment:
    rotate_records: int
    rotate_interval_s: int
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
            day_file = self.files[day] = DayFile(offset)
        day_file.values.append(value)
        self.count += 1
        self.last_offset = offset

    @property
    def full(self) -> bool:
        return self.count >= self.rotate_records

    def close(self, partition: int) -> ClosedSegment:
        files = [(day, f.start_offset, f.lines()) for day, f in sorted(self.files.items())]
        return ClosedSegment(partition, files, self.count, self.last_offset)
