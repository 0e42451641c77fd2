"""A bounded number of glibc malloc arenas for the streaming processes: one per busy thread.

glibc gives each thread that allocates its own arena, up to 8 per core, and keeps their freed
memory, so on a large machine a process's idle arenas add up. Eight is one per busy thread of
either process: the main thread, librdkafka's broker and main threads, and the validator's
committer, transaction and Elasticsearch threads, or the lander's builder and four lake writers.

Fewer arenas are not cheaper. Threads that share an arena queue on its lock, the main thread
while holding the GIL: consume() allocates every Message while librdkafka's threads allocate the
fetched records and the helpers their own buffers.
- The lander, sharing two: 0.80 of the plain consumer against 0.83 with eight in the same hour
  (peak RSS 179 against 185 MB).
- The validator, sharing two: 11.3-14.0 s a million against 10.3-12.4 s with eight, slower in all
  eleven alternating rounds, and 1.5-2 s more CPU; peak RSS 124-135 MB with eight (bench/README.md).

A user's own MALLOC_ARENA_MAX (glibc reads it at start) is left alone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_ARENA_MAX = -8  # from glibc's malloc.h
ARENAS = 8


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Call before any thread starts. True when applied; False elsewhere than glibc, or when
    MALLOC_ARENA_MAX is set."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS)
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))
