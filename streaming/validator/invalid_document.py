"""The Elasticsearch document of one invalid message: what broke, where it came from, what it was.

Built to always index: raw values go under `record` only when they are scalars the contract
mapping can hold (ignore_malformed covers wrong scalars), strings are made UTF-8-safe and
bounded, and the original bytes are kept (truncated) as text or base64.
"""

from __future__ import annotations

import base64
from typing import Any

import msgspec

from fraud_platform.contract import FIELDS_BY_NAME, MAX_MESSAGE_BYTES, Violation
from streaming.common.event_day import day_of

from . import VALIDATOR_VERSION

MAX_RECORD_STRING = 1024
MAX_MESSAGE_STRING = 512
_FLOAT_SAFE_INT = 2**53
_GENERIC = msgspec.json.Decoder(float_hook=float)


def document_id(topic: str, partition: int, offset: int) -> str:
    """topic-partition-offset: a replayed message overwrites its own document, never adds one."""
    return f"{topic}-{partition}-{offset}"


def invalid_document(
    *,
    payload: bytes | None,
    violations: list[Violation],
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    timestamp_ms: int | None,
    raw_payload_max_bytes: int,
    duplicate_of: int | None = None,
) -> dict[str, Any]:
    data = payload or b""
    record = _record(data)
    event_day, day_source = day_of(record.get("event_time"), timestamp_ms)
    raw, encoding, truncated = _raw_payload(data, raw_payload_max_bytes)
    doc: dict[str, Any] = {
        "reasons": sorted({str(v.reason) for v in violations}),
        "fields": sorted({_safe(v.field, MAX_MESSAGE_STRING) for v in violations}),
        "violations": [
            {"reason": str(v.reason), "field": _safe(v.field, MAX_MESSAGE_STRING),
             "message": _safe(v.message, MAX_MESSAGE_STRING)}
            for v in violations
        ],
        "record": record,
        "raw_payload": raw,
        "raw_payload_encoding": encoding,
        "raw_payload_bytes": len(data),
        "raw_payload_truncated": truncated,
        "source": {"topic": topic, "partition": partition, "offset": offset,
                   "key": None if key is None else _safe(key.decode("utf-8", "replace"), 256)},
        "kafka_timestamp": timestamp_ms,
        "event_day": event_day,
        "event_day_source": day_source,
        "validator_version": VALIDATOR_VERSION,
    }
    if duplicate_of is not None:
        doc["duplicate_of"] = {"partition": partition, "offset": duplicate_of}
    return doc


def without_record(doc: dict[str, Any]) -> dict[str, Any]:
    """The same document minus `record`: the fallback if Elasticsearch rejects a raw value."""
    return {**doc, "record": {}}


def _record(data: bytes) -> dict[str, Any]:
    """Contract fields of the payload that are storable scalars; {} when it is not a JSON object."""
    if len(data) > MAX_MESSAGE_BYTES:
        return {}
    try:
        doc = _GENERIC.decode(data)
    except (msgspec.DecodeError, RecursionError):
        return {}
    if not isinstance(doc, dict):
        return {}
    record = {}
    for name, value in doc.items():
        if name in FIELDS_BY_NAME:
            clean = _scalar(value)
            if clean is not _DROP:
                record[name] = clean
    return record


_DROP = object()


def _scalar(value: object) -> object:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _safe(value, MAX_RECORD_STRING)
    if isinstance(value, int):
        return value if -_FLOAT_SAFE_INT <= value <= _FLOAT_SAFE_INT else _DROP
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else _DROP
    return _DROP  # objects and arrays: the raw payload keeps them


def _safe(text: str, limit: int) -> str:
    if text.isascii():  # a flag CPython keeps on every str: the usual case costs no scan
        return text[:limit]
    # Lone surrogates (from "\ud800" escapes) cannot be encoded as UTF-8 by the ES client.
    return text[:limit].encode("utf-8", "replace").decode("utf-8")


def _raw_payload(data: bytes, limit: int) -> tuple[str, str, bool]:
    head = data[:limit]
    truncated = len(data) > limit
    try:
        return str(head, "utf-8"), "utf-8", truncated
    except UnicodeDecodeError as error:
        # A cut through a multi-byte character at the end is still UTF-8 text.
        if truncated and error.start >= len(head) - 3 and _is_utf8(data[: error.start]):
            return str(head[: error.start], "utf-8"), "utf-8", truncated
        return base64.b64encode(head).decode("ascii"), "base64", truncated


def _is_utf8(data: bytes) -> bool:
    try:
        str(data, "utf-8")
        return True
    except UnicodeDecodeError:
        return False
