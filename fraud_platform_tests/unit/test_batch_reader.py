"""BatchReader: records only, and which partitions are caught up, in the order events arrive."""

import logging

import pytest
from confluent_kafka import KafkaError, KafkaException, Message, TopicPartition

from streaming.common.batches import BatchReader


class Batches:
    """Stands in for a Consumer's consume() and assignment() (the bookkeeping is pure)."""

    def __init__(self, *batches: list[Message], assigned: tuple[int, ...] = (0, 1)) -> None:
        self.batches = list(batches)
        self.assigned = assigned

    def consume(self, _n: int, timeout: float) -> list[Message]:
        return self.batches.pop(0)

    def assignment(self) -> list[TopicPartition]:
        return [TopicPartition("t", p) for p in self.assigned]


def record(partition: int, offset: int) -> Message:
    return Message(topic="t", partition=partition, offset=offset, value=b"{}")


def event(partition: int, code: int, fatal: bool = False) -> Message:
    return Message(topic="t", partition=partition, offset=-1, error=KafkaError(code, fatal=fatal))


EOF_ = KafkaError._PARTITION_EOF


def reader(*batches: list[Message]) -> BatchReader:
    return BatchReader(Batches(*batches), 100, 0.1, logging.getLogger("test"))


def test_records_only_and_caught_up_by_the_last_event_of_each_partition():
    r = reader([record(0, 1), event(0, EOF_), record(1, 1), event(1, EOF_), record(1, 2)],
               [record(0, 2)], [event(0, EOF_)], [event(1, EOF_)])
    assert [m.offset() for m in r.next_batch()] == [1, 1, 2]
    assert r.caught_up == {0}  # partition 1 had a record after its end
    assert [m.offset() for m in r.next_batch()] == [2]  # a batch of records only
    assert r.caught_up == set() and not r.all_caught_up()
    r.next_batch()
    r.next_batch()
    assert r.caught_up == {0, 1} and r.all_caught_up()


def test_a_fatal_error_raises_and_another_is_logged(caplog):
    r = reader([event(0, KafkaError._TRANSPORT)], [event(0, KafkaError._FATAL, fatal=True)])
    assert r.next_batch() == [] and "consumer:" in caplog.text
    with pytest.raises(KafkaException):
        r.next_batch()
