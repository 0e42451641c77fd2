"""Through the real broker: everything produced is consumed, keyed by card, and reconciles."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import date

import msgspec
import pytest
from confluent_kafka import Consumer

from fraud_platform.contract import validate
from fraud_platform.stack import topics as kafka_topics
from streaming.generator.presets import default_config
from streaming.generator.run import backfill
from streaming.generator.sinks import KafkaSink, MemorySink

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("services_stack")]

START, END = date(2024, 6, 1), date(2024, 6, 8)


@pytest.fixture
def fresh_topic(settings):
    name = f"test-generator-{uuid.uuid4().hex[:12]}"
    kafka_topics.create_topics(settings.kafka.client_config(), [name], settings.kafka.topic_partitions)
    yield name
    kafka_topics.delete_topics(settings.kafka.client_config(), [name])


def _consume_all(settings, topic: str, expected: int) -> list[tuple[bytes, bytes]]:
    consumer = Consumer({**settings.kafka.client_config(), "group.id": f"test-{uuid.uuid4().hex}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topic])
    received: list[tuple[bytes, bytes]] = []
    deadline = time.monotonic() + 120
    try:
        while len(received) < expected and time.monotonic() < deadline:
            for message in consumer.consume(10_000, timeout=1.0):
                assert message.error() is None, message.error()
                received.append((message.key(), message.value()))
        # Anything beyond `expected` would be a duplicate the producer should not have made.
        received += [(m.key(), m.value()) for m in consumer.consume(10_000, timeout=2.0)]
    finally:
        consumer.close()
    return received


def test_round_trip_through_kafka(settings, fresh_topic):
    config = default_config(600).with_defects(rate=0.05)
    summary = backfill(config, 21, START, END, KafkaSink(settings.kafka.client_config(), fresh_topic))
    totals = summary.totals()
    assert summary.delivery_failed == 0

    received = _consume_all(settings, fresh_topic, totals["produced"])
    assert len(received) == totals["produced"]

    # The same run in memory: the broker delivered exactly those messages under those keys.
    memory = MemorySink(keep=True)
    backfill(config, 21, START, END, memory)
    assert Counter(received) == Counter(zip(memory.keys, memory.values))

    reasons: Counter[str] = Counter()
    scenarios: Counter[str] = Counter()
    seen_ids: set[str] = set()
    for key, value in received:
        violations = validate(value)
        if violations:
            reasons[violations[0].reason.value] += 1
            continue
        doc = msgspec.json.decode(value)
        assert key == doc["card_id"].encode()
        if doc["transaction_id"] in seen_ids:
            reasons["duplicate_transaction_id"] += 1
        else:
            seen_ids.add(doc["transaction_id"])
            scenarios[doc["fraud_scenario"]] += 1
    assert reasons == totals["defects"]
    assert all(reasons[name] > 0 for name in totals["defects"])
    assert len(seen_ids) == totals["valid"]
    assert {k: v for k, v in scenarios.items() if k} == {k: v for k, v in totals["scenarios"].items() if v}
