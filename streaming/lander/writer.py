"""Closed segments written to the lake on a background thread, their offsets released in order.

The consumer loop keeps reading while segments are written and fsynced (their chunks are
compressed already, or being compressed: see compressor.py). Exactly-once is unchanged: an offset
is handed back for commit only once its segment's files are all written, and in submission
order, so a partition's commits never pass an unwritten segment. A bounded queue makes a slow or
unreachable lake push back on the consumer instead of filling memory.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from .layout import file_key
from .segments import ClosedSegment, file_bytes


@dataclass(frozen=True)
class Landed:
    partition: int
    next_offset: int  # the offset to commit: after the segment's last record
    records: int
    files: int
    bytes: int


class SegmentWriter:
    def __init__(self, topic: str, write: Callable[[str, bytes], bool], threads: int = 4,
                 max_pending: int | None = None) -> None:
        """`write(key, data)` stores one file, retrying as it sees fit; False means it gave up.

        Several segments are written at once: a local write waits mostly on fsync, an S3 one on
        the network, and neither holds the GIL meanwhile. The queue is full at `max_pending`
        segments, enough to keep the threads busy; a waiting segment holds its files compressed.
        """
        self.topic = topic
        self._write = write
        self.max_pending = max_pending or 2 * threads
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="lake-writer")
        self._pending: deque[Future[Landed | None]] = deque()

    def submit(self, segment: ClosedSegment) -> None:
        self._pending.append(self._pool.submit(self._land, segment))

    def _land(self, segment: ClosedSegment) -> Landed | None:
        written = 0
        for day, start_offset, parts in segment.files:
            data = file_bytes(parts)
            if not self._write(file_key(self.topic, segment.partition, day, start_offset), data):
                return None
            written += len(data)
        return Landed(segment.partition, segment.last_offset + 1, segment.count, len(segment.files), written)

    @property
    def full(self) -> bool:
        return len(self._pending) >= self.max_pending

    @property
    def pending(self) -> int:
        return len(self._pending)

    def landed(self, block: bool = False) -> tuple[list[Landed], bool]:
        """Segments written since the last call, oldest first, and whether every write succeeded.

        Stops at the first unfinished segment (or waits for all with `block`), and at the first
        one whose write gave up: nothing after it may be committed.
        """
        done: list[Landed] = []
        while self._pending and (block or self._pending[0].done()):
            result = self._pending.popleft().result()
            if result is None:
                self._pending.clear()
                return done, False
            done.append(result)
        return done, True

    def wait_for_room(self) -> None:
        """Block until the oldest pending segment is written (call when `full`)."""
        if self._pending:
            wait([self._pending[0]])

    def close(self) -> None:
        self._pool.shutdown(wait=True)
