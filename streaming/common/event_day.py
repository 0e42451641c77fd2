"""The UTC day a message is counted under, shared by the validator, the lander and reconciliation.

A message's day is the UTC date of its event_time when that parses as a timestamp with an offset
(any offset: a non-UTC time still names its instant), else the UTC date of its Kafka timestamp
(malformed JSON, missing or unparseable event_time). Valid records always have a UTC event_time,
so for them this is simply the lake's dt= partition.
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from fraud_platform.contract import MAX_MESSAGE_BYTES


class _Probe(msgspec.Struct):
    event_time: object = None


_PROBE = msgspec.json.Decoder(_Probe)


def day_of(event_time: object, timestamp_ms: int | None) -> tuple[str | None, str]:
    """(day, source): source is "event_time", "kafka_timestamp" or "none"."""
    if isinstance(event_time, str):
        try:
            moment = datetime.fromisoformat(event_time)
            if moment.tzinfo is not None:
                return moment.astimezone(UTC).date().isoformat(), "event_time"
        except (ValueError, OverflowError):
            pass
    if timestamp_ms is not None and timestamp_ms >= 0:
        return datetime.fromtimestamp(timestamp_ms / 1000, UTC).date().isoformat(), "kafka_timestamp"
    return None, "none"


def day_of_payload(payload: bytes | None, timestamp_ms: int | None) -> str | None:
    """day_of() for raw bytes, reading event_time the way the validator's documents keep it."""
    event_time = None
    if payload and len(payload) <= MAX_MESSAGE_BYTES:
        try:
            event_time = _PROBE.decode(payload).event_time
        except (msgspec.DecodeError, RecursionError):
            pass
    if isinstance(event_time, str) and len(event_time) > 1024:
        event_time = None  # documents keep at most 1024 characters of a string
    return day_of(event_time, timestamp_ms)[0]
