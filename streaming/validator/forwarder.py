"""Valid messages and consumed offsets, committed in one Kafka transaction (exactly-once).

Either the whole batch becomes visible to read_committed consumers together with its offsets,
or none of it does and BatchAborted tells the caller to rewind to the committed offsets and redo
the batch. A stale group generation (a zombie after a rebalance, KIP-447) fails the offset
commit, which aborts the transaction: its records never become visible.

When the producer itself breaks (a fatal error, or an abort that cannot complete, as after a
broker restart), it is replaced by a new producer with the same transactional.id: its
init_transactions() completes or aborts whatever the old one left open, so afterwards the
committed offsets tell exactly what is done.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from confluent_kafka import KafkaError, KafkaException, Message, Producer, TopicPartition

from .bounded_call import BoundedCaller, CallTimedOut
from .direct_produce import direct_producer, produce_all

log = logging.getLogger("fraud-validator")

COMMIT_RETRY_S = 60
# Another process now owns our transactional.id: we are the zombie and must stop.
FENCED_CODES = {KafkaError._FENCED, KafkaError.PRODUCER_FENCED, KafkaError.INVALID_PRODUCER_EPOCH}


# librdkafka's coordinator requests can outlive their timeout when the coordinator broker went
# away (confluentinc/librdkafka#5456, #5511): such a call is abandoned after this grace period.
HANG_GRACE_S = 15


class _Hung(Exception):
    """A transactional call did not return within its timeout plus the grace period."""


class BatchAborted(Exception):
    """Nothing of the batch is visible; rewind to the committed offsets and retry."""


class ProducerFenced(Exception):
    """A newer instance with the same transactional.id exists; this one must exit."""


class TransactionalForwarder:
    def __init__(self, config: dict, topic: str, should_stop: Callable[[], bool], timeout_s: float = 30,
                 native: bool = True) -> None:
        """`native`: produce through the native DirectProducer when it can (direct_produce.py)."""
        self.config = config
        self.topic = topic
        self.native = native
        self.should_stop = should_stop
        self.timeout_s = timeout_s
        self.producer = Producer(config)
        self.direct = direct_producer(self.producer, topic, config, native)
        self._calls = BoundedCaller("txn-call")

    def init(self) -> bool:
        """init_transactions, retried while the broker is away; fences older instances of our id."""
        while not self.should_stop():
            try:
                self._bounded(self.producer.init_transactions, self.timeout_s)
                return True
            except _Hung as error:
                log.warning("init_transactions hung: %s", error)
                self._replace_producer()
                continue
            except KafkaException as error:
                if error.args[0].code() in FENCED_CODES:
                    raise ProducerFenced(str(error)) from error
                if error.args[0].fatal():
                    self._replace_producer()
                log.warning("init_transactions failed, retrying: %s", error)
                time.sleep(2)
        return False

    def commit(self, messages: list[Message], offsets: list[TopicPartition], group_metadata,
               before_commit: Callable[[], None] = lambda: None) -> None:
        """`before_commit` runs after the records and offsets are sent, before the commit; if it
        raises, the transaction is aborted and its exception propagates."""
        try:
            self.producer.begin_transaction()
            produce_all(self.producer, self.direct, self.topic, messages)
            self._bounded(self.producer.send_offsets_to_transaction, offsets, group_metadata, self.timeout_s)
        except KafkaException as error:
            self._abort(error)
        except _Hung as error:
            self._start_over(error)
        try:
            before_commit()
        except Exception:
            self._abandon()
            raise
        deadline = time.monotonic() + COMMIT_RETRY_S
        while True:
            try:
                self._bounded(self.producer.commit_transaction, self.timeout_s)
                return
            except _Hung as error:
                self._start_over(error)
            except KafkaException as error:
                if error.args[0].retriable() and time.monotonic() < deadline:
                    log.warning("commit_transaction retriable failure, retrying: %s", error)
                    time.sleep(1)
                    continue
                self._abort(error)

    def _abort(self, cause: KafkaException) -> None:
        error = cause.args[0]
        if error.code() in FENCED_CODES:
            raise ProducerFenced(str(error)) from cause
        log.warning("aborting the transaction: %s", error)
        if not error.fatal():
            try:
                self._bounded(self.producer.abort_transaction, self.timeout_s)
                raise BatchAborted(str(error)) from cause
            except (KafkaException, _Hung) as abort_error:
                log.warning("abort_transaction failed: %s", abort_error)
        self._start_over(cause)

    def _abandon(self) -> None:
        """Abort the open transaction for a reason outside Kafka; replace the producer if it cannot."""
        try:
            self._bounded(self.producer.abort_transaction, self.timeout_s)
            return
        except (KafkaException, _Hung) as error:
            log.warning("abort_transaction failed: %s", error)
        self._replace_producer()
        self.init()

    def _start_over(self, cause: Exception) -> None:
        """Outcome unknown to this producer: a fresh one with our id settles it, then rewind."""
        self._replace_producer()
        if not self.init():
            raise BatchAborted("shutdown requested while replacing the producer") from cause
        raise BatchAborted(str(cause)) from cause

    def _bounded(self, call: Callable, *args) -> None:
        """Run a blocking transactional call, but give up on it if it hangs past its timeout."""
        try:
            # The hung call keeps its (abandoned) producer; the replacement fences it.
            self._calls.call(call, args, self.timeout_s + HANG_GRACE_S)
        except CallTimedOut as error:
            raise _Hung(str(error)) from error

    def _replace_producer(self) -> None:
        log.warning("replacing the transactional producer")
        # The old producer is dropped, not closed: a call may still hang inside it.
        self.producer = Producer(self.config)
        self.direct = direct_producer(self.producer, self.topic, self.config, self.native)

    def close(self) -> None:
        try:
            self.producer.flush(self.timeout_s)
        except KafkaException as error:  # an open transaction is aborted by the broker or our successor
            log.warning("producer flush at close: %s", error)
