"""The lander's loop: records → per-partition segments → files in the lake → offsets committed.

A segment's files are completely written (atomic rename locally, a PUT on S3) before the offset
after its last record is committed. A crash before the commit replays the segment from the
committed offset and rewrites the same keys with the same bytes: exactly-once files. Offsets of
committed records are not contiguous (transaction markers occupy offsets), so nothing here
assumes they are: names and rotation use the records' own offsets only.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, TopicPartition

from fraud_platform.settings import Settings
from streaming.common.kafka_clients import consumer_config
from streaming.common.lag import consumer_lag
from streaming.common.lake import LakeFileSystem, open_lake
from streaming.common.metrics import Metrics, serve_metrics
from streaming.common.shutdown import GracefulShutdown

from .layout import event_moment, file_key, jsonl_line
from .segments import Segment

log = logging.getLogger("fraud-lander")


@dataclass(frozen=True)
class LanderOptions:
    topic: str
    group: str
    instance: str
    lake_root: str
    batch_size: int
    rotate_records: int
    rotate_interval_s: int
    idle_flush_s: int
    metrics_port: int
    drain: bool = False  # write every open segment and exit once all assigned partitions are caught up

    @classmethod
    def from_settings(cls, settings: Settings, **overrides) -> LanderOptions:
        la = settings.lander
        base = dict(topic=settings.kafka.validated_topic, group=la.group, instance=la.instance,
                    lake_root=settings.lake_root, batch_size=la.batch_size, rotate_records=la.rotate_records,
                    rotate_interval_s=la.rotate_interval_s, idle_flush_s=la.idle_flush_s,
                    metrics_port=la.metrics_port)
        return cls(**{**base, **{k: val for k, val in overrides.items() if val is not None}})


def lander_metrics() -> Metrics:
    metrics = Metrics("fraud_lander")
    metrics.declare("records_total", "counter", "Records written to the lake and committed")
    metrics.declare("files_total", "counter", "Files written to the lake")
    metrics.declare("bytes_total", "counter", "Compressed bytes written to the lake")
    metrics.declare("lake_failures_total", "counter", "Failed lake writes (retried)")
    metrics.declare("throughput_records_per_second", "gauge", "Records landed per second, last interval")
    metrics.declare("consumer_lag", "gauge", "Messages not yet consumed, by partition")
    return metrics


class Lander:
    def __init__(self, settings: Settings, options: LanderOptions, lake: LakeFileSystem | None = None) -> None:
        self.settings = settings
        self.options = options
        self.lake = lake or open_lake(settings, options.lake_root)
        self.metrics = lander_metrics()
        self.shutdown = GracefulShutdown()
        self.consumer = Consumer(consumer_config(settings, options.group, options.instance))
        self.segments: dict[int, Segment] = {}
        self.caught_up: set[int] = set()
        self._last_record_at = time.monotonic()
        self._reported_at = time.monotonic()
        self._reported_count = 0.0

    def run(self) -> int:
        server = serve_metrics(self.metrics, "127.0.0.1", self.options.metrics_port)
        if server is not None:
            log.info("metrics on http://127.0.0.1:%d/metrics", server.server_address[1])
        self.consumer.subscribe([self.options.topic], on_assign=self._on_assign, on_revoke=self._on_revoke,
                                on_lost=self._on_revoke)
        log.info("landing %s into %s, group %s", self.options.topic, self.lake.root, self.options.group)
        try:
            while not self.shutdown.requested:
                records = self._next_batch()
                for message in records:
                    if not self._add(message):
                        return 0  # shutdown while the lake was unreachable: nothing committed, nothing lost
                if records:
                    self._last_record_at = time.monotonic()
                elif self.options.drain and self._all_caught_up():
                    if self._flush_all():
                        log.info("drained: every assigned partition is landed and committed")
                    break
                elif self.options.idle_flush_s and time.monotonic() - self._last_record_at >= self.options.idle_flush_s:
                    self._flush_all()  # at-least-once boundaries: depend on arrival timing
                    self._last_record_at = time.monotonic()
                self._report_periodically()
        finally:
            # SIGTERM leaves open segments unwritten on purpose: writing them now would cut files
            # at a timing-dependent point. The restart re-reads them from the committed offset.
            self._report(force=True)
            self.consumer.close()
            if server is not None:
                server.shutdown()
        return 0

    def _on_assign(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        log.info("assigned partitions %s", sorted(tp.partition for tp in partitions))
        for tp in partitions:
            self.segments.pop(tp.partition, None)

    def _on_revoke(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        # Uncommitted segments are dropped: the partition's next owner re-reads them.
        log.info("revoked partitions %s", sorted(tp.partition for tp in partitions))
        for tp in partitions:
            self.segments.pop(tp.partition, None)
            self.caught_up.discard(tp.partition)
            self.metrics.set("consumer_lag", 0, partition=str(tp.partition))

    def _next_batch(self) -> list[Message]:
        records = []
        for message in self.consumer.consume(self.options.batch_size,
                                             timeout=self.settings.streaming.poll_timeout_ms / 1000):
            error = message.error()
            if error is None:
                records.append(message)
                self.caught_up.discard(message.partition())
            elif error.code() == KafkaError._PARTITION_EOF:
                self.caught_up.add(message.partition())
            elif error.fatal():
                raise KafkaException(error)
            else:
                log.warning("consumer: %s", error)
        return records

    def _add(self, message: Message) -> bool:
        partition, value = message.partition(), message.value() or b""
        segment = self.segments.get(partition)
        if segment is None:
            segment = self.segments[partition] = Segment(self.options.rotate_records, self.options.rotate_interval_s)
        _type, timestamp = message.timestamp()
        moment = event_moment(value, timestamp if _type else None)
        bucket = segment.bucket(moment.timestamp())
        if segment.rotates_before(bucket):
            if not self._flush(partition):
                return False
            segment = self.segments[partition] = Segment(self.options.rotate_records, self.options.rotate_interval_s)
        segment.add(message.offset(), moment.date().isoformat(), bucket, jsonl_line(value))
        if segment.full:
            if not self._flush(partition):
                return False
        return True

    def _flush_all(self) -> bool:
        return all(self._flush(partition) for partition in list(self.segments))

    def _flush(self, partition: int) -> bool:
        """Write the partition's open files, then commit the offset after its last record."""
        segment = self.segments.pop(partition, None)
        if segment is None or segment.count == 0:
            return True
        written = 0
        for day, day_file in sorted(segment.files.items()):
            data = day_file.encode()
            if not self._write(file_key(self.options.topic, partition, day, day_file.start_offset), data):
                return False
            written += len(data)
        self._commit(TopicPartition(self.options.topic, partition, segment.last_offset + 1))
        self.metrics.inc("records_total", segment.count)
        self.metrics.inc("files_total", len(segment.files))
        self.metrics.inc("bytes_total", written)
        return True

    def _write(self, key: str, data: bytes) -> bool:
        delay = 1.0
        while True:
            try:
                self.lake.write(key, data)
                return True
            except Exception as error:  # any storage failure: retry, never skip a file
                self.metrics.inc("lake_failures_total")
                log.warning("writing %s failed, retrying in %.0f s: %s", key, delay, error)
                if self.shutdown.wait(delay):
                    return False
                delay = min(delay * 2, 30)

    def _commit(self, offset: TopicPartition) -> None:
        try:
            self.consumer.commit(offsets=[offset], asynchronous=False)
        except KafkaException as error:
            # Harmless: the files are written; the next commit of this partition covers them, and a
            # replay before it rewrites the same keys with the same bytes.
            log.warning("committing %s failed: %s", offset, error)

    def _all_caught_up(self) -> bool:
        assigned = {tp.partition for tp in self.consumer.assignment()}
        return bool(assigned) and assigned <= self.caught_up

    def _report_periodically(self) -> None:
        if time.monotonic() - self._reported_at >= self.settings.streaming.report_interval_s:
            self._report()

    def _report(self, force: bool = False) -> None:
        elapsed = time.monotonic() - self._reported_at
        total = self.metrics.total("records_total")
        rate = (total - self._reported_count) / elapsed if elapsed > 0 else 0.0
        self.metrics.set("throughput_records_per_second", round(rate, 1))
        lag = consumer_lag(self.consumer) if not force else {}
        for partition, value in lag.items():
            self.metrics.set("consumer_lag", value, partition=str(partition))
        log.info("landed=%d files=%d rate=%.0f/s lag=%d open=%d", total, self.metrics.total("files_total"), rate,
                 sum(lag.values()), sum(s.count for s in self.segments.values()))
        self._reported_at, self._reported_count = time.monotonic(), total
