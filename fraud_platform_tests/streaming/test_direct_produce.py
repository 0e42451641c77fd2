"""The validator's direct produce path (native/fraud_fastpath DirectProducer) against the real
broker: the same records on the same partitions, in order, as confluent_kafka's produce(); inside
the transaction, so an abort hides them; resumed in order past a full local queue; refused for
a producer it cannot vouch for."""

from __future__ import annotations

import os
import uuid

import pytest
from confluent_kafka import Consumer, KafkaError, Message, Producer

from streaming.common.kafka_clients import transactional_producer_config
from streaming.common.native_build import fraud_fastpath, unusable_reason
from streaming.validator.direct_produce import direct_producer, produce_all

from .conftest import Pipeline

NATIVE_UNUSABLE = unusable_reason(fraud_fastpath)
native = pytest.mark.skipif(NATIVE_UNUSABLE is not None, reason=f"native/fraud_fastpath {NATIVE_UNUSABLE}")


def _producer(pipeline: Pipeline, **overrides) -> tuple[Producer, dict]:
    config = {**transactional_producer_config(pipeline.settings, f"direct-{uuid.uuid4().hex[:8]}", 60000),
              **overrides}
    producer = Producer(config)
    producer.init_transactions(30)
    return producer, config


def _messages(n: int, start: int = 0) -> list[Message]:
    return [Message(topic="raw", partition=0, offset=i, value=b"v%06d" % i, key=b"card-%d" % (i % 11))
            for i in range(start, start + n)]


def _read_committed(pipeline: Pipeline) -> list[Message]:
    consumer = Consumer({**pipeline.settings.kafka.client_config(), "group.id": f"read-{uuid.uuid4().hex[:8]}",
                         "isolation.level": "read_committed", "auto.offset.reset": "earliest",
                         "enable.partition.eof": True})
    consumer.subscribe([pipeline.validated_topic])
    records, at_end = [], set()
    while len(at_end) < 6:
        for message in consumer.consume(1000, timeout=2):
            if message.error() is None:
                records.append(message)
            elif message.error().code() == KafkaError._PARTITION_EOF:
                at_end.add(message.partition())
    consumer.close()
    return records


@native
def test_direct_records_land_as_produce_would_put_them(pipeline: Pipeline):
    producer, config = _producer(pipeline)
    direct = direct_producer(producer, pipeline.validated_topic, config)
    assert direct is not None
    producer.begin_transaction()
    produce_all(producer, direct, pipeline.validated_topic, _messages(3000))
    producer.commit_transaction(30)
    producer.begin_transaction()  # the reference: the same keys through produce()
    produce_all(producer, None, pipeline.validated_topic, _messages(110, start=100_000))
    producer.commit_transaction(30)
    records = _read_committed(pipeline)
    assert len(records) == 3110
    partitions: dict[bytes, set[int]] = {}
    for record in records:
        partitions.setdefault(record.key(), set()).add(record.partition())
    assert len(partitions) == 11 and all(len(found) == 1 for found in partitions.values())  # one partitioner
    direct_values = [record.value() for record in records if int(record.value()[1:]) < 100_000]
    by_partition: dict[int, list[bytes]] = {}
    for record in records:
        by_partition.setdefault(record.partition(), []).append(record.value())
    assert all(values == sorted(values) for values in by_partition.values())  # produced in order
    assert sorted(direct_values) == [b"v%06d" % i for i in range(3000)]


@native
def test_an_aborted_transaction_hides_direct_records(pipeline: Pipeline):
    producer, config = _producer(pipeline)
    direct = direct_producer(producer, pipeline.validated_topic, config)
    producer.begin_transaction()
    produce_all(producer, direct, pipeline.validated_topic, _messages(500))
    producer.abort_transaction(30)
    producer.begin_transaction()
    produce_all(producer, direct, pipeline.validated_topic, _messages(5, start=900))
    producer.commit_transaction(30)
    assert sorted(record.value() for record in _read_committed(pipeline)) == [b"v%06d" % i for i in range(900, 905)]


@native
def test_a_full_local_queue_is_waited_out_in_order(pipeline: Pipeline):
    producer, config = _producer(pipeline, **{"queue.buffering.max.messages": 40})
    direct = direct_producer(producer, pipeline.validated_topic, config)
    messages = _messages(2000)
    producer.begin_transaction()
    stopped_at, error = direct.produce(messages, 0)
    assert error == KafkaError._QUEUE_FULL and 0 < stopped_at < len(messages)  # the queue does fill
    produce_all(producer, direct, pipeline.validated_topic, messages[stopped_at:])
    producer.commit_transaction(30)
    records = _read_committed(pipeline)
    by_partition: dict[int, list[bytes]] = {}
    for record in records:
        by_partition.setdefault(record.partition(), []).append(record.value())
    assert sorted(record.value() for record in records) == [message.value() for message in messages]
    assert all(values == sorted(values) for values in by_partition.values())


@native
def test_a_producer_it_cannot_vouch_for_is_refused(pipeline: Pipeline):
    producer, config = _producer(pipeline)
    with pytest.raises(RuntimeError, match="transactional.id"):
        fraud_fastpath.DirectProducer(producer, pipeline.validated_topic, "someone-else")
    with pytest.raises(RuntimeError, match="confluent_kafka.Producer"):
        fraud_fastpath.DirectProducer(object(), pipeline.validated_topic, config["transactional.id"])
    assert direct_producer(producer, pipeline.validated_topic, config, native=False) is None
    if os.environ.get("CI") == "true":  # the pinned confluent-kafka must take the direct path
        assert direct_producer(producer, pipeline.validated_topic, config) is not None
