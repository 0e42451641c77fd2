"""Chunks of the lake's files compressed on background threads as soon as the builder fills them.

A chunk is compressed while it is still in the CPU's cache, a few milliseconds after the builder
wrote it, by threads that run beside the consumer (ISA-L releases the GIL). Its future is the
chunk's part of its file; the writer joins a file's parts when its segment closes. At most
`max_pending` chunks wait or run at once: past that the builder waits, which slows consuming
rather than letting uncompressed lines pile up in memory.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from .segments import compress

# Two threads, one a core (ISA-L takes about as long to compress a chunk as the builder to fill
# it; one thread was as fast in the benchmark). 16 chunks of 1 MiB: 16 MB of lines at most.
THREADS = 2
MAX_PENDING = 16


class ChunkCompressor:
    def __init__(self, threads: int = THREADS, max_pending: int = MAX_PENDING) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="chunk-compressor")
        self._room = threading.BoundedSemaphore(max_pending)

    def submit(self, chunk: Any) -> Future[bytes]:
        """A future of the chunk's gzip member; waits while `max_pending` chunks are in flight."""
        self._room.acquire()
        future = self._pool.submit(compress, chunk)
        future.add_done_callback(lambda _done: self._room.release())
        return future

    def close(self) -> None:
        self._pool.shutdown(wait=True)
