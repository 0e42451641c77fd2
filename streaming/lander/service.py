"""The lander's loop: records → per-partition segments → files in the lake → offsets committed.

A segment's files are completely written (atomic rename locally, a PUT on S3) before the offset
after its last record is committed; compressing and writing happen on background threads
(compressor.py, writer.py) while the loop goes on consuming. Building segments runs behind
consuming too: a builder thread adds each batch to the segments (natively with the GIL released)
while the loop consumes the next ones, and the segments each batch closed are handed to the
writer in batch order. A crash before
the commit replays the segment from the committed offset and rewrites the same keys with the
same bytes: exactly-once files. Offsets of committed records are not contiguous (transaction
markers occupy offsets), so nothing here assumes they are: names and rotation use the records'
own offsets only.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import NamedTuple

from confluent_kafka import Consumer, KafkaException, Message, TopicPartition

from fraud_platform.settings import Settings
from streaming.common.kafka_clients import consumer_config
from streaming.common.collector import settle_collector
from streaming.common.batches import BatchReader, PeriodicReport
from streaming.common.lake import LakeFileSystem, open_lake
from streaming.common.metrics import Metrics, serve_metrics
from streaming.common.shutdown import GracefulShutdown

from .compressor import ChunkCompressor
from .segment_builder import new_segment_builder
from .segments import ClosedSegment
from .writer import SegmentWriter

log = logging.getLogger("fraud-lander")

# Batches the builder may lag behind the consumer: consume() and the builder each take longer at
# times (a fetch, a run of closing segments), and a lag of one would make each wait for the other.
BUILDS_AHEAD = 2


class Build(NamedTuple):
    """A batch given to the builder. Its records stay referenced here until the main thread takes
    the result, so that the main thread, which holds the GIL anyway, frees them (5,000 Messages a
    batch) and not the builder thread between two batches."""

    future: Future[list[ClosedSegment]]
    records: list[Message]


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
        self.compressor = ChunkCompressor()
        self.builder = new_segment_builder(options.rotate_records, options.rotate_interval_s, settings.lander.native,
                                           self.compressor.submit)
        self.writer = SegmentWriter(options.topic, self._write, threads=settings.lander.write_threads)
        self.building = ThreadPoolExecutor(max_workers=1, thread_name_prefix="segment-builder")
        # Batches given to the builder, in order. The builder is touched only on its thread, or
        # once every batch given to it is added: a native builder mid-batch refuses other calls.
        self.in_build: deque[Build] = deque()
        self.open_records = 0  # in the builder's open segments, as of the last batch added
        self.reader = BatchReader(self.consumer, options.batch_size, settings.streaming.poll_timeout_ms / 1000, log)
        self.report = PeriodicReport(self.metrics, self.consumer, "records_total", "throughput_records_per_second",
                                     settings.streaming.report_interval_s, self._log_report)
        self._last_record_at = time.monotonic()

    def run(self) -> int:
        server = serve_metrics(self.metrics, "127.0.0.1", self.options.metrics_port)
        if server is not None:
            log.info("metrics on http://127.0.0.1:%d/metrics", server.server_address[1])
        self.consumer.subscribe([self.options.topic], on_assign=self._on_assign, on_revoke=self._on_revoke,
                                on_lost=self._on_revoke)
        log.info("landing %s into %s, group %s", self.options.topic, self.lake.root, self.options.group)
        settle_collector()
        try:
            while not self.shutdown.requested:
                records = self.reader.next_batch(stop_at_end=self.options.drain)
                if records:
                    self.in_build.append(Build(self.building.submit(self._build, records), records))
                # Without new records there is nothing to overlap: let the builder catch up.
                closed = self._built(wait_for=len(self.in_build) - (BUILDS_AHEAD if records else 0))
                if not self._submit_all(closed) or not self._commit_landed():
                    # shutdown while the lake was unreachable: nothing committed, nothing lost
                    return 0
                if records:
                    self._last_record_at = time.monotonic()
                elif self.options.drain and self.reader.all_caught_up():
                    if self._flush_all():
                        log.info("drained: every assigned partition is landed and committed")
                    break
                elif self.options.idle_flush_s and time.monotonic() - self._last_record_at >= self.options.idle_flush_s:
                    self._flush_all()  # at-least-once boundaries: depend on arrival timing
                    self._last_record_at = time.monotonic()
                self.report.maybe()
        finally:
            # SIGTERM leaves open segments unwritten on purpose: writing them now would cut files
            # at a timing-dependent point. The restart re-reads them from the committed offset.
            # Segments already closed are complete: finish writing them and commit what landed.
            while self.in_build and self.in_build[0].future.exception() is None:  # a failed one is redone
                for segment in self.in_build.popleft().future.result():
                    self.writer.submit(segment)
            self._commit_landed(block=True)
            self.building.shutdown(wait=True)
            self.writer.close()
            self.compressor.close()
            self.report.now(final=True)
            self.consumer.close()
            if server is not None:
                server.shutdown()
        return 0

    def _on_assign(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        log.info("assigned partitions %s", sorted(tp.partition for tp in partitions))
        self._await_build()
        for tp in partitions:
            self.builder.drop_partition(tp.partition)
        self.open_records = self.builder.open_records

    def _on_revoke(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        # Uncommitted segments are dropped: the partition's next owner re-reads them.
        log.info("revoked partitions %s", sorted(tp.partition for tp in partitions))
        self._await_build()  # segments it closed are complete and still written; its open ones go
        for tp in partitions:
            self.builder.drop_partition(tp.partition)
            self.reader.forget(tp.partition)
            self.metrics.set("consumer_lag", 0, partition=str(tp.partition))
        self.open_records = self.builder.open_records

    def _build(self, records: list[Message]) -> list[ClosedSegment]:
        """On the builder thread: add a batch, and note what stays open."""
        closed = self.builder.add(records)
        self.open_records = self.builder.open_records
        return closed

    def _built(self, wait_for: int = 0) -> list[ClosedSegment]:
        """The segments closed by the batches the builder has added, in order: the first
        `wait_for` batches given to it are waited for, later ones taken only if already added."""
        closed: list[ClosedSegment] = []
        while self.in_build and (wait_for > 0 or self.in_build[0].future.done()):
            closed += self.in_build.popleft().future.result()
            wait_for -= 1
        return closed

    def _await_build(self) -> None:
        """Let the builder add every batch given to it: its segments change only between batches."""
        wait([build.future for build in self.in_build])

    def _submit_all(self, segments: list[ClosedSegment]) -> bool:
        """Write closed segments, in order; False if the lake write gave up."""
        return all(self._submit(segment) for segment in segments)

    def _submit(self, segment: ClosedSegment) -> bool:
        """Hand a closed segment to the writer; False if the lake write gave up."""
        while self.writer.full:  # back-pressure: a slow lake slows the consumer, memory stays bounded
            self.writer.wait_for_room()
            if not self._commit_landed():
                return False
        self.writer.submit(segment)
        return True

    def _flush_all(self) -> bool:
        """Close every open segment and wait until all are written and committed."""
        return (self._submit_all(self._built(wait_for=len(self.in_build)))
                and self._submit_all(self.builder.close_all()) and self._commit_landed(block=True))

    def _commit_landed(self, block: bool = False) -> bool:
        """Commit the offsets of segments already in the lake (all pending ones with `block`)."""
        landed, ok = self.writer.landed(block)
        latest: dict[int, int] = {}
        for segment in landed:
            latest[segment.partition] = segment.next_offset
            self.metrics.inc("records_total", segment.records)
            self.metrics.inc("files_total", segment.files)
            self.metrics.inc("bytes_total", segment.bytes)
        if latest:
            # Asynchronous in the loop: a lost commit only makes a restart rewrite identical files.
            self._commit([TopicPartition(self.options.topic, p, o) for p, o in latest.items()], asynchronous=not block)
        return ok

    def _write(self, key: str, data: bytes) -> bool:
        """Store one file, retrying until it succeeds; False only when shutdown interrupts the retries."""
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

    def _commit(self, offsets: list[TopicPartition], asynchronous: bool) -> None:
        try:
            self.consumer.commit(offsets=offsets, asynchronous=asynchronous)
        except KafkaException as error:
            # Harmless: the files are written; the next commit of this partition covers them, and a
            # replay before it rewrites the same keys with the same bytes.
            log.warning("committing %s failed: %s", offsets, error)

    def _log_report(self, rate: float, lag: dict[int, int]) -> None:
        log.info("landed=%d files=%d rate=%.0f/s lag=%d open=%d writing=%d segments",
                 self.metrics.total("records_total"), self.metrics.total("files_total"), rate, sum(lag.values()),
                 self.open_records, self.writer.pending)
