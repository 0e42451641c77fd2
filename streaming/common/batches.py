"""What the validator and the lander share around their loops: taking a batch from the consumer,
knowing when every assigned partition is caught up (for --drain), and the periodic report."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from confluent_kafka import Consumer, KafkaError, KafkaException, Message

from .lag import consumer_lag
from .metrics import Metrics


class BatchReader:
    """consume() with partition-EOF bookkeeping: records only, and which partitions are at their end."""

    def __init__(self, consumer: Consumer, batch_size: int, timeout_s: float, log: logging.Logger) -> None:
        self.consumer = consumer
        self.batch_size = batch_size
        self.timeout_s = timeout_s
        self.log = log
        self.caught_up: set[int] = set()

    def next_batch(self, stop_at_end: bool = False) -> list[Message]:
        """The next batch's records. With `stop_at_end` (--drain), none once every assigned
        partition is at its end: a poll then would only wait out its timeout."""
        if stop_at_end and self.all_caught_up():
            return []
        batch = self.consumer.consume(self.batch_size, timeout=self.timeout_s)
        # One method call per record in the usual batch, all records: this loop is on the main
        # thread of both processes, a third of a microsecond per record in the full walk below.
        records = [message for message in batch if message.error() is None]
        if len(records) == len(batch):
            if self.caught_up:  # records of a partition at its end: it is no longer caught up
                self.caught_up.difference_update({message.partition() for message in records})
            return records
        for message in batch:  # events among the records: their order decides what is caught up
            error = message.error()
            if error is None:
                self.caught_up.discard(message.partition())
            elif error.code() == KafkaError._PARTITION_EOF:
                self.caught_up.add(message.partition())
            elif error.fatal():
                raise KafkaException(error)
            else:
                self.log.warning("consumer: %s", error)
        return records

    def forget(self, partition: int) -> None:
        """A revoked or rewound partition is not caught up until its end is read again."""
        self.caught_up.discard(partition)

    def all_caught_up(self) -> bool:
        if not self.caught_up:  # the usual answer while records flow, without asking the consumer
            return False
        assigned = {tp.partition for tp in self.consumer.assignment()}
        return bool(assigned) and assigned <= self.caught_up


class PeriodicReport:
    """Every `interval_s`: the rate of `counter` since the last report and the lag, into the
    metrics and one log line (built by `line(rate, lag)`)."""

    def __init__(self, metrics: Metrics, consumer: Consumer, counter: str, rate_gauge: str, interval_s: float,
                 line: Callable[[float, dict[int, int]], None]) -> None:
        self.metrics, self.consumer = metrics, consumer
        self.counter, self.rate_gauge, self.interval_s, self.line = counter, rate_gauge, interval_s, line
        self._at = time.monotonic()
        self._count = 0.0

    def maybe(self) -> None:
        if time.monotonic() - self._at >= self.interval_s:
            self.now()

    def now(self, final: bool = False) -> None:
        """Report; `final` skips the lag, which needs a live consumer."""
        elapsed = time.monotonic() - self._at
        total = self.metrics.total(self.counter)
        rate = (total - self._count) / elapsed if elapsed > 0 else 0.0
        self.metrics.set(self.rate_gauge, round(rate, 1))
        lag = {} if final else consumer_lag(self.consumer)
        for partition, value in lag.items():
            self.metrics.set("consumer_lag", value, partition=str(partition))
        self.line(rate, lag)
        self._at, self._count = time.monotonic(), total
