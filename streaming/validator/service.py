"""The validator's loop: consume a batch, route it, write invalids to Elasticsearch, then commit
valids + offsets in one Kafka transaction.

Order is what makes it lose nothing: Elasticsearch first (idempotent by _id), the Kafka
transaction last. If Elasticsearch is unreachable, nothing is produced and nothing committed:
the consumer is rewound to the committed offsets and the batch is redone after a backoff. A crash
at any point leaves the batch uncommitted, so a restart redoes it; its Elasticsearch documents are
overwritten in place and its aborted records are invisible to read_committed readers.

Two stages, one batch apart: while a committer thread runs batch N's transaction (mostly waiting
on broker round trips), the loop consumes and decides batch N+1. Batches are still decided and
committed one at a time and in order; N+1's transaction starts only after N's has settled, and if
N's fails, N+1 is dropped with it and both are redone from the committed offsets. A rebalance
waits for the transaction in flight before partitions change hands.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime

from confluent_kafka import Consumer, KafkaException, Message, TopicPartition

from fraud_platform.contract import max_amount
from fraud_platform.settings import Settings
from streaming.common.kafka_clients import (
    consumer_config,
    member_name,
    plain_consumer_config,
    transactional_producer_config,
)
from streaming.common.collector import settle_collector
from streaming.common.batches import BatchReader, PeriodicReport
from streaming.common.lag import consumer_lag
from streaming.common.metrics import Metrics, serve_metrics
from streaming.common.shutdown import GracefulShutdown

from .batch_decision import decide_batch
from .dedup import DedupWindow
from .forwarder import BatchAborted, ProducerFenced, TransactionalForwarder
from .invalid_document import document_id, invalid_document
from .invalid_index import ElasticsearchUnavailable, InvalidIndex
from .routing import MessageRouter
from .warmup import warm_window

log = logging.getLogger("fraud-validator")


@dataclass(frozen=True)
class ValidatorOptions:
    raw_topic: str
    validated_topic: str
    group: str
    instance: str
    index: str
    batch_size: int
    dedup_window: int
    metrics_port: int
    drain: bool = False  # exit once every assigned partition is caught up

    @classmethod
    def from_settings(cls, settings: Settings, **overrides) -> ValidatorOptions:
        v = settings.validator
        base = dict(raw_topic=settings.kafka.raw_topic, validated_topic=settings.kafka.validated_topic,
                    group=v.group, instance=v.instance, index=settings.elasticsearch.invalid_index,
                    batch_size=v.batch_size, dedup_window=v.dedup_window, metrics_port=v.metrics_port)
        return cls(**{**base, **{k: val for k, val in overrides.items() if val is not None}})


@dataclass
class DecidedBatch:
    """A consumed batch, decided: what its transaction commits and what the metrics count after."""

    records: list[Message]
    forward: list[Message]
    offsets: list[TopicPartition]
    group_metadata: object
    invalid: int
    reasons: dict[str, int]
    written: Future | None  # its Elasticsearch write, already under way
    committed: Future | None = field(default=None)  # its transaction, once handed to the committer


def validator_metrics() -> Metrics:
    metrics = Metrics("fraud_validator")
    metrics.declare("messages_total", "counter", "Messages decided, by outcome (valid or invalid)")
    metrics.declare("invalid_reasons_total", "counter", "Failed rules of invalid messages, by reason code")
    metrics.declare("batches_total", "counter", "Batches committed")
    metrics.declare("transactions_aborted_total", "counter", "Kafka transactions aborted and redone")
    metrics.declare("elasticsearch_failures_total", "counter", "Batches held back because Elasticsearch failed")
    metrics.declare("throughput_messages_per_second", "gauge", "Messages decided per second, last interval")
    metrics.declare("consumer_lag", "gauge", "Messages not yet committed, by partition")
    return metrics


class Validator:
    def __init__(self, settings: Settings, options: ValidatorOptions) -> None:
        self.settings = settings
        self.options = options
        self.metrics = validator_metrics()
        self.shutdown = GracefulShutdown()
        member = member_name(options.instance)
        self.consumer = Consumer(consumer_config(settings, options.group, options.instance))
        self.warmup_reader = Consumer(plain_consumer_config(settings, f"{options.group}-warmup"))
        self.forwarder = TransactionalForwarder(
            transactional_producer_config(settings, f"fraud-validator-{member}",
                                          settings.validator.transaction_timeout_ms),
            options.validated_topic,
            should_stop=lambda: self.shutdown.requested,
            native=settings.validator.native,
        )
        self.index = InvalidIndex(settings.elasticsearch.url, options.index)
        self.es_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="es-bulk")
        self.committer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="txn-commit")
        self.in_flight: DecidedBatch | None = None  # handed to the committer, not yet settled
        self.router = MessageRouter(max_amount(), native=settings.validator.native)
        self.windows: dict[int, DedupWindow] = {}
        self.reader = BatchReader(self.consumer, options.batch_size, settings.streaming.poll_timeout_ms / 1000, log)
        self.report = PeriodicReport(self.metrics, self.consumer, "messages_total", "throughput_messages_per_second",
                                     settings.streaming.report_interval_s, self._log_report)

    # -- lifecycle ------------------------------------------------------------------------------

    def run(self) -> int:
        server = serve_metrics(self.metrics, "127.0.0.1", self.options.metrics_port)
        if server is not None:
            log.info("metrics on http://127.0.0.1:%d/metrics", server.server_address[1])
        if not self._wait_for(self.index.ensure, "Elasticsearch index") or not self.forwarder.init():
            return 0
        self.consumer.subscribe([self.options.raw_topic], on_assign=self._on_assign, on_revoke=self._on_revoke,
                                on_lost=self._on_revoke)
        log.info("validating %s -> %s (invalid -> %s), group %s", self.options.raw_topic,
                 self.options.validated_topic, self.options.index, self.options.group)
        settle_collector()
        backoff = 1.0
        try:
            while not self.shutdown.requested:
                records = self.reader.next_batch(stop_at_end=self.options.drain)
                batch = self._decide(records) if records else None
                settling = self.in_flight is not None
                if (failure := self._settle()) is not None:
                    failed, error = failure
                    if batch is not None:
                        self._await_es_write(batch)
                    self._hold_back(failed.records + (batch.records if batch else []), error, backoff)
                    backoff = min(backoff * 2, self.settings.validator.es_backoff_max_s)
                    continue
                if settling:
                    backoff = 1.0
                if batch is not None:
                    batch.committed = self.committer.submit(self._commit, batch)
                    self.in_flight = batch
                elif self.options.drain and self.in_flight is None and self.reader.all_caught_up():
                    log.info("drained: every assigned partition is caught up")
                    break
                self.report.maybe()
            self._settle()  # shutdown: let the transaction in flight finish (a failed one is redone later)
        except ProducerFenced as error:
            log.error("fenced: another validator owns transactional id; exiting: %s", error)
            return 3
        finally:
            self._await_in_flight()
            self.committer.shutdown(wait=True)
            self.report.now(final=True)
            self.consumer.close()
            self.warmup_reader.close()
            self.forwarder.close()
            self.es_writer.shutdown(wait=True)
            self.index.close()
            if server is not None:
                server.shutdown()
        return 0

    def _wait_for(self, action, what: str) -> bool:
        delay = 1.0
        while not self.shutdown.requested:
            try:
                action()
                return True
            except ElasticsearchUnavailable as error:
                log.warning("%s unreachable, retrying in %.0f s: %s", what, delay, error)
                self.shutdown.wait(delay)
                delay = min(delay * 2, self.settings.validator.es_backoff_max_s)
        return False

    def _on_assign(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        log.info("assigned partitions %s", sorted(tp.partition for tp in partitions))
        self._await_in_flight()
        for tp in partitions:
            self.windows.pop(tp.partition, None)  # warmed up again from the committed offset

    def _on_revoke(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        log.info("revoked partitions %s", sorted(tp.partition for tp in partitions))
        # Partitions change hands only between transactions; the loop handles the outcome.
        self._await_in_flight()
        for tp in partitions:
            self.windows.pop(tp.partition, None)
            self.reader.forget(tp.partition)
            self.metrics.set("consumer_lag", 0, partition=str(tp.partition))

    # -- one batch --------------------------------------------------------------------------------

    def _decide(self, records: list[Message]) -> DecidedBatch:
        """Route a batch and start writing its invalid messages to Elasticsearch (idempotent by _id,
        so a batch redone later only overwrites them)."""
        now = datetime.now(UTC)
        screened = self.router.screen(records, now)  # native: parsed and judged without the GIL
        firsts, lasts = screened.bounds() if screened is not None else _offset_bounds(records)
        self._warm_windows(firsts)
        forward, rejected = decide_batch(self.router, records, now, self.windows, screened)
        invalid: list[tuple[str, dict]] = []
        reasons: dict[str, int] = {}
        for reject in rejected:
            message, partition, offset = reject.message, reject.message.partition(), reject.message.offset()
            for violation in reject.violations:
                reasons[violation.reason] = reasons.get(violation.reason, 0) + 1
            _type, timestamp = message.timestamp()
            invalid.append((
                document_id(message.topic(), partition, offset),
                invalid_document(payload=message.value(), violations=reject.violations, topic=message.topic(),
                                 partition=partition, offset=offset, key=message.key(),
                                 timestamp_ms=timestamp if _type else None,
                                 raw_payload_max_bytes=self.settings.validator.raw_payload_max_bytes,
                                 duplicate_of=reject.duplicate_of),
            ))
        written = self.es_writer.submit(self.index.write, invalid) if invalid else None
        offsets = [TopicPartition(self.options.raw_topic, partition, last + 1) for partition, last in lasts.items()]
        return DecidedBatch(records, forward, offsets, self.consumer.consumer_group_metadata(), len(invalid), reasons,
                            written)

    def _commit(self, batch: DecidedBatch) -> None:
        """On the committer thread: the batch's transaction, committed only once its Elasticsearch
        write has succeeded (BatchAborted or ElasticsearchUnavailable otherwise)."""
        try:
            self.forwarder.commit(batch.forward, batch.offsets, batch.group_metadata,
                                  before_commit=batch.written.result if batch.written else lambda: None)
        finally:
            self._await_es_write(batch)

    @staticmethod
    def _await_es_write(batch: DecidedBatch) -> None:
        """Wait for the batch's Elasticsearch write: never leave one running into the redo."""
        if batch.written is not None:
            wait([batch.written])

    def _settle(self) -> tuple[DecidedBatch, Exception] | None:
        """Wait for the transaction in flight; count it if committed, else return it with its error."""
        batch, self.in_flight = self.in_flight, None
        if batch is None:
            return None
        try:
            batch.committed.result()
        except (ElasticsearchUnavailable, BatchAborted) as error:
            return batch, error
        self.metrics.inc("messages_total", len(batch.forward), outcome="valid")
        self.metrics.inc("messages_total", batch.invalid, outcome="invalid")
        for reason, count in batch.reasons.items():
            self.metrics.inc("invalid_reasons_total", count, reason=str(reason))
        self.metrics.inc("batches_total")
        return None

    def _await_in_flight(self) -> None:
        if self.in_flight is not None:
            wait([self.in_flight.committed])

    def _warm_windows(self, firsts: dict[int, int]) -> None:
        """A window for every partition of the batch (`firsts`: its first offset in each)."""
        for partition, first in firsts.items():
            if partition not in self.windows:
                self.windows[partition] = warm_window(self.warmup_reader, self.router, self.options.raw_topic,
                                                      partition, first, self.options.dedup_window)

    def _hold_back(self, records: list[Message], error: Exception, backoff: float) -> None:
        """Undo the batch: rewind its partitions to their committed offsets, rebuild their windows.

        Committed, not the batch start: when a commit's outcome was unknown and a new producer
        settled it, the batch may in fact be committed, and redoing it would produce it twice.
        """
        if isinstance(error, ElasticsearchUnavailable):
            self.metrics.inc("elasticsearch_failures_total")
        else:
            self.metrics.inc("transactions_aborted_total")
        firsts, _lasts = _offset_bounds(records)
        committed = self._committed([TopicPartition(self.options.raw_topic, p) for p in firsts])
        if committed is None:
            return  # shutdown requested: nothing was committed by this batch's attempt, exit is safe
        for partition, first in firsts.items():
            self.windows.pop(partition, None)
            self.reader.forget(partition)  # rewound: not at its end until read again
            offset = committed.get(partition)
            self._seek(TopicPartition(self.options.raw_topic, partition, first if offset is None else offset))
        lag = consumer_lag(self.consumer)
        log.warning("not advancing (%s: %s); retry in %.0f s; lag %d %s", type(error).__name__,
                    str(error)[:200], backoff, sum(lag.values()), lag)
        self.shutdown.wait(backoff)

    def _committed(self, partitions: list[TopicPartition]) -> dict[int, int] | None:
        """{partition: committed offset} (absent when none yet); retried until the broker answers."""
        delay = 1.0
        while not self.shutdown.requested:
            try:
                return {tp.partition: tp.offset for tp in self.consumer.committed(partitions, timeout=30)
                        if tp.offset >= 0}
            except KafkaException as error:
                log.warning("reading committed offsets failed, retrying: %s", error)
                self.shutdown.wait(delay)
                delay = min(delay * 2, 30)
        return None

    def _seek(self, tp: TopicPartition) -> None:
        for attempt in range(20):
            try:
                self.consumer.seek(tp)
                return
            except KafkaException as error:
                if tp.partition not in {a.partition for a in self.consumer.assignment()}:
                    return  # revoked meanwhile: its new owner resumes from the committed offset
                if attempt == 19:
                    raise
                log.warning("seek %s failed, retrying: %s", tp, error)
                time.sleep(0.5)

    def _log_report(self, rate: float, lag: dict[int, int]) -> None:
        log.info("valid=%d invalid=%d rate=%.0f/s lag=%d aborts=%d es_failures=%d",
                 self.metrics.value("messages_total", outcome="valid"),
                 self.metrics.value("messages_total", outcome="invalid"), rate, sum(lag.values()),
                 self.metrics.total("transactions_aborted_total"), self.metrics.total("elasticsearch_failures_total"))


def _offset_bounds(records: list[Message]) -> tuple[dict[int, int], dict[int, int]]:
    """({partition: first offset}, {partition: last offset}) of a batch of one topic, in one pass."""
    firsts: dict[int, int] = {}
    lasts: dict[int, int] = {}
    for message in records:
        partition, offset = message.partition(), message.offset()
        firsts.setdefault(partition, offset)
        lasts[partition] = offset
    return firsts, lasts
