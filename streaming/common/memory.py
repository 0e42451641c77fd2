"""Fewer glibc malloc arenas for the streaming processes.

glibc gives each thread that allocates its own arena, up to 8 per core, and keeps their freed
memory. The validator's helper threads (Kafka transaction calls, Elasticsearch writes) allocate
little but each leave an arena behind. Two arenas are plenty for them: two validators of one
group peaked at 177-186 MB each against 194-204 MB with glibc's 16 (3 alternating rounds).

The lander's threads all allocate a lot at once: the consumer its Messages, the builder its
segments, the writers their compressed files. Sharing two arenas, they queued on each other's
malloc locks, the main thread while holding the GIL. It gets one arena a thread: the lander
benchmark gave 0.83 of the plain consumer against 0.80 with two arenas, in the same hour (peak RSS
185 against 179 MB; bench/README.md).

A user's own MALLOC_ARENA_MAX (glibc reads it at start) is left alone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_ARENA_MAX = -8  # from glibc's malloc.h
ARENAS = 2
LANDER_ARENAS = 8  # its main thread, builder, four lake writers and librdkafka's busy threads


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
