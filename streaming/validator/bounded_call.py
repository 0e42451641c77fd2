"""Blocking calls with a hard deadline, run on one long-lived daemon thread.

A call that outlives its deadline is abandoned together with its thread (a daemon, so it cannot
keep the process alive) and the next call gets a fresh thread. One thread for all calls rather
than one per call: starting a thread waits for the new thread to take the GIL, which cost the
validator a few milliseconds per batch (two transactional calls per batch).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable


class CallTimedOut(Exception):
    """The call did not return within its deadline; it was abandoned."""


class _Worker:
    def __init__(self, name: str) -> None:
        self._requests: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._serve, name=name, daemon=True).start()

    def submit(self, call: Callable, args: tuple) -> tuple[threading.Event, list]:
        done, outcome = threading.Event(), []
        self._requests.put((call, args, done, outcome))
        return done, outcome

    def _serve(self) -> None:
        while True:
            call, args, done, outcome = self._requests.get()
            try:
                call(*args)
                outcome.append(None)
            except BaseException as error:  # handed to the caller's thread
                outcome.append(error)
            done.set()


class BoundedCaller:
    def __init__(self, name: str) -> None:
        self.name = name
        self._worker: _Worker | None = None

    def call(self, call: Callable, args: tuple, deadline_s: float) -> None:
        """call(*args) on the worker thread; its exception is raised here; CallTimedOut past the deadline."""
        if self._worker is None:
            self._worker = _Worker(self.name)
        done, outcome = self._worker.submit(call, args)
        if not done.wait(deadline_s):
            self._worker = None  # stuck inside the call: leave it there, the next call gets a new thread
            raise CallTimedOut(f"{getattr(call, '__name__', call)} did not return in {deadline_s:.0f} s")
        if outcome[0] is not None:
            raise outcome[0]
