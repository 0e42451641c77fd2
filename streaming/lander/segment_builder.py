"""The lander's per-record loop: records → per-partition open segments → the segments that close.

`SegmentBuilder` is the reference; the native one (native/fraud_fastpath, Rust) has the same
interface and cuts the same segments into the same bytes, a differential property test
(fraud_platform_tests/unit/test_lander_segment_builder.py) holds the two together. The native
one decides only compact UTC event times in the contract's shape; every other record's day and
bucket come from `day_and_bucket` here, and a value holding a line break from `jsonl_line`.

Closing happens once per batch: the lander writes what closed after the whole batch is added,
which bounds what it holds by one batch beyond the writer's queue. Each file's chunks go to
`submit` as they fill (see segments.py): a closed segment's files are lists of their parts.
"""

from __future__ import annotations

import logging

from confluent_kafka import Message

from .layout import compact_utc_day_and_epoch, event_day_and_epoch
from .segments import CHUNK_BYTES, ClosedSegment, Segment, Submit, bucket_of, compress, jsonl_line

from streaming.common.native_build import fraud_fastpath, unusable_reason

log = logging.getLogger("fraud-lander")


def day_and_bucket(message: Message, value: bytes, interval_s: int) -> tuple[str, int]:
    """(UTC event day, rotation bucket) of a record; the Kafka timestamp when it has no event time."""
    _type, timestamp = message.timestamp()
    day, epoch = event_day_and_epoch(value, timestamp if _type else None)
    return day, bucket_of(epoch, interval_s)


class SegmentBuilder:
    def __init__(self, rotate_records: int, rotate_interval_s: int, submit: Submit = compress,
                 chunk_bytes: int = CHUNK_BYTES) -> None:
        self.rotate_records, self.interval = rotate_records, rotate_interval_s
        self.submit, self.chunk_bytes = submit, max(chunk_bytes, 1)
        self.segments: dict[int, Segment] = {}

    def add(self, records: list[Message]) -> list[ClosedSegment]:
        """Append records to their partitions' segments; the segments that closed, in order.
        The per-record hot path, hence locals and Segment's rules spelled inline."""
        segments, rotate_records, interval = self.segments, self.rotate_records, self.interval
        closed: list[ClosedSegment] = []
        for message in records:
            value = message.value() or b""
            day_and_epoch = compact_utc_day_and_epoch(value)
            if day_and_epoch is None:
                day, bucket = day_and_bucket(message, value, interval)
            else:
                day, bucket = day_and_epoch[0], bucket_of(day_and_epoch[1], interval)
            partition = message.partition()
            segment = segments.get(partition)
            if segment is None:
                segment = segments[partition] = self._segment()
            if segment.count and bucket > segment.first_bucket:  # Segment.rotates_before
                closed.append(segment.close(partition))
                segment = segments[partition] = self._segment()
            segment.add(message.offset(), day, bucket, value)
            if segment.count >= rotate_records:
                closed.append(segments.pop(partition).close(partition))
        return closed

    def _segment(self) -> Segment:
        return Segment(self.rotate_records, self.interval, self.submit, self.chunk_bytes)

    def close_all(self) -> list[ClosedSegment]:
        """Close every open segment, by partition."""
        segments, self.segments = self.segments, {}
        return [segments[p].close(p) for p in sorted(segments) if segments[p].count]

    def drop_partition(self, partition: int) -> None:
        """Forget a partition's open segment (revoked: its next owner re-reads it)."""
        self.segments.pop(partition, None)

    @property
    def open_records(self) -> int:
        return sum(s.count for s in self.segments.values())


def new_segment_builder(rotate_records: int, rotate_interval_s: int, native: bool = True, submit: Submit = compress,
                        chunk_bytes: int = CHUNK_BYTES):
    """The native builder when installed and wanted, else the reference; both hand each full chunk
    of a file to `submit` and keep what it returns as the chunk's part."""
    reason = unusable_reason(fraud_fastpath)
    if native and reason is None:
        return fraud_fastpath.SegmentBuilder(
            rotate_records, rotate_interval_s,
            lambda message, value: day_and_bucket(message, value, rotate_interval_s), jsonl_line, submit, chunk_bytes)
    if native:
        log.warning("native fast path %s: landing in Python", reason)
    return SegmentBuilder(rotate_records, rotate_interval_s, submit, chunk_bytes)
