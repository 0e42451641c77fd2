"""Where a record lands: its UTC event day, its rotation bucket, and the file key of a segment.

Key format (Kafka Connect S3 sink's): raw/transactions/dt=YYYY-MM-DD/<topic>+<partition>+<startOffset:010d>.jsonl.gz
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

RAW_PREFIX = "raw/transactions"


class _EventTime(msgspec.Struct):
    event_time: str | None = None


_EVENT_TIME = msgspec.json.Decoder(_EventTime)


def file_key(topic: str, partition: int, day: str, start_offset: int) -> str:
    return f"{RAW_PREFIX}/dt={day}/{topic}+{partition}+{start_offset:010d}.jsonl.gz"


def event_moment(value: bytes, kafka_timestamp_ms: int | None) -> datetime:
    """The record's event_time in UTC; the Kafka timestamp if it has none (not a contract record)."""
    try:
        event_time = _EVENT_TIME.decode(value).event_time
        if event_time is not None:
            moment = datetime.fromisoformat(event_time)
            if moment.tzinfo is not None:
                return moment.astimezone(UTC)
    except (msgspec.DecodeError, ValueError):
        pass
    return datetime.fromtimestamp(max(kafka_timestamp_ms or 0, 0) / 1000, UTC)


def jsonl_line(value: bytes) -> bytes:
    """The record as one JSON line; a pretty-printed payload is re-encoded compactly."""
    if b"\n" in value or b"\r" in value:
        value = msgspec.json.encode(msgspec.json.decode(value))
    return value + b"\n"
