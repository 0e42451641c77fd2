"""A deterministic stream of raw messages with known fates: valid, invalid (every reason) or duplicate.

The same (n, seed) always gives the same bytes, so a run can be checked against what it must produce.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import msgspec
from confluent_kafka import Producer

from fraud_platform.contract import Reason, example_transaction, validate
from fraud_platform_tests.unit.contract_cases import INVALID

BASE_TIME = datetime(2024, 5, 1, tzinfo=UTC)

# Whole-message defects and the one time-dependent rule, besides the per-rule cases of the contract tests.
WHOLE_MESSAGE: dict[str, tuple[bytes, Reason]] = {
    "oversized": (b'{"padding": "' + b"x" * 70_000 + b'"}', Reason.OVERSIZED_MESSAGE),
    "not_utf8": (b'{"transaction_id": "\xff\xfe"}', Reason.INVALID_UTF8),
    "truncated_json": (b'{"transaction_id": "0b6f9a52-', Reason.MALFORMED_JSON),
    "empty": (b"", Reason.MALFORMED_JSON),
    "future_event_time": (
        msgspec.json.encode({**example_transaction(), "event_time": "2999-01-01T00:00:00Z"}),
        Reason.FUTURE_TIMESTAMP,
    ),
}


def defect_payloads() -> dict[str, tuple[bytes, Reason]]:
    """Every hand-made defect: name -> (payload, the reason it must be reported with)."""
    cases = {name: (msgspec.json.encode(bad.record), bad.reason) for name, bad in INVALID.items()}
    return {**cases, **WHOLE_MESSAGE}


@dataclass(frozen=True)
class RawMessage:
    key: bytes
    value: bytes
    fate: str  # "valid", "invalid" or "duplicate"
    transaction_id: str | None


def valid_record(i: int, seed: int) -> dict:
    record = example_transaction()
    moment = BASE_TIME + timedelta(seconds=1.3 * i)
    if i % 101 == 0:
        moment -= timedelta(hours=26)  # a late event: it lands under its own, earlier day
    record.update(
        transaction_id=str(uuid.UUID(int=(seed << 64) | i, version=4)),
        event_time=moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        customer_id=f"C{i % 5000:06d}",
        card_id=f"K{i % 5000:06d}-01",
        amount=round(1 + (i % 40000) / 100, 2),
        is_fraud=False,
    )
    return record


def workload(n: int, seed: int = 0) -> list[RawMessage]:
    defects = list(defect_payloads().values())
    messages: list[RawMessage] = []
    for i in range(n):
        if i % 47 == 5:
            payload, _reason = defects[(i // 47) % len(defects)]
            if len(payload) > 1000 and i % 5000 != 5:
                payload = b"{not json"  # keep oversized messages rare: they are expensive to produce
            messages.append(RawMessage(f"bad-{i}".encode(), payload, "invalid", None))
        elif i % 199 == 50:
            previous = messages[-3]  # a resend of a recent message: same key, same partition
            if previous.fate == "valid":
                messages.append(RawMessage(previous.key, previous.value, "duplicate", previous.transaction_id))
                continue
            record = valid_record(i, seed)
            messages.append(_valid(record))
        else:
            messages.append(_valid(valid_record(i, seed)))
    return messages


def _valid(record: dict) -> RawMessage:
    value = msgspec.json.encode(record)
    return RawMessage(record["customer_id"].encode(), value, "valid", record["transaction_id"])


def produce(bootstrap_config: dict, topic: str, messages: list[RawMessage]) -> None:
    producer = Producer({**bootstrap_config, "linger.ms": 50, "enable.idempotence": True,
                         "message.max.bytes": 1_000_000, "queue.buffering.max.messages": 1_000_000})
    for message in messages:
        while True:
            try:
                producer.produce(topic, message.value, message.key)
                break
            except BufferError:
                producer.poll(0.1)
    assert producer.flush(60) == 0


def self_check(messages: list[RawMessage]) -> None:
    """The workload's claimed fates agree with the contract (duplicates aside)."""
    for message in messages:
        assert bool(validate(message.value)) == (message.fate == "invalid"), message
