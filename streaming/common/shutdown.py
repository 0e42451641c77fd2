"""SIGTERM/SIGINT turn into a flag the processing loop checks between batches.

The loop finishes the batch in hand (commits it) and exits 0. SIGKILL needs no handler: every
batch is either committed whole or replayed whole.
"""

from __future__ import annotations

import faulthandler
import signal
import threading


class GracefulShutdown:
    def __init__(self) -> None:
        self._requested = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._request)
        # `kill -USR1 <pid>` prints every thread's stack: how to see where a stuck process waits.
        faulthandler.register(signal.SIGUSR1, all_threads=True)

    def _request(self, signum: int, _frame: object) -> None:
        self._requested.set()

    @property
    def requested(self) -> bool:
        return self._requested.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, waking early on a shutdown request; True if one came."""
        return self._requested.wait(seconds)
