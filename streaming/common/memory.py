"""Fewer glibc malloc arenas for the streaming processes.

glibc gives each thread that allocates its own arena, up to 8 per core, and keeps their freed
memory. The validator's and lander's helper threads (Kafka transaction calls, Elasticsearch and
lake writes) allocate little but each leave an arena behind. Two arenas are plenty for them:
two validators of one group peaked at 177-186 MB each against 194-204 MB with glibc's 16
(3 alternating rounds). A user's own MALLOC_ARENA_MAX (glibc reads it at start) is left alone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_ARENA_MAX = -8  # from glibc's malloc.h
ARENAS = 2


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
