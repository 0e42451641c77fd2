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
    """The record's event_time in UTC; the Kafka timestamp if it has none (not a contract record),
    and the epoch if that is missing or beyond datetime's years 1..9999 too."""
    try:
        event_time = _EVENT_TIME.decode(value).event_time
        if event_time is not None:
            moment = datetime.fromisoformat(event_time)
            if moment.tzinfo is not None:
                return moment.astimezone(UTC)
    except (msgspec.DecodeError, ValueError, OverflowError):  # OverflowError: 0001-01-01T00:00+05:30
        pass
    try:
        return datetime.fromtimestamp(max(kafka_timestamp_ms or 0, 0) / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        return datetime.fromtimestamp(0, UTC)


_COMPACT_KEY = b'"event_time":"'
_UTC_SUFFIXES = (b"Z", b"+00:00")


def compact_utc_day_and_epoch(value: bytes) -> tuple[str, float] | None:
    """(UTC day 'YYYY-MM-DD', epoch seconds) of event_moment(), or None when this fast path does
    not apply and event_moment() must decide.

    The lander's per-record hot path. Validated records are compact JSON with a UTC event_time,
    so the value is found by a byte search; anything else (spaces, escapes, an offset, a key
    that occurs twice, no key) returns None. A quoted key cannot occur inside a JSON string,
    where its quotes would be escaped.
    """
    start = value.find(_COMPACT_KEY)
    if start < 0:
        return None
    start += len(_COMPACT_KEY)
    end = value.find(b'"', start)
    text = value[start:end]
    if end < 0 or not text.endswith(_UTC_SUFFIXES) or value.find(_COMPACT_KEY, end) >= 0:
        return None
    try:
        moment = datetime.fromisoformat(text.decode())
    except ValueError:
        return None
    return text[:10].decode(), moment.timestamp()


def event_day_and_epoch(value: bytes, kafka_timestamp_ms: int | None) -> tuple[str, float]:
    """(UTC day, epoch seconds) of event_moment(), by the fast path when it applies."""
    fast = compact_utc_day_and_epoch(value)
    if fast is not None:
        return fast
    moment = event_moment(value, kafka_timestamp_ms)
    return moment.date().isoformat(), moment.timestamp()
