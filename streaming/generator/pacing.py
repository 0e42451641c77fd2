"""Keep a live run at a target rate: sleep until `sent / rate` seconds have passed."""

from __future__ import annotations

import time
from collections.abc import Callable


class Pacer:
    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0:
            raise ValueError(f"rate {rate} must be positive")
        self.rate = rate
        self.clock = clock
        self.sleep = sleep
        self.started = clock()
        self.sent = 0

    def chunk_size(self) -> int:
        """Messages per send: about 50 ms worth, so event times stay close to wall time."""
        return max(1, int(self.rate / 20))

    def wait(self, sent: int) -> None:
        self.sent += sent
        ahead = self.sent / self.rate - (self.clock() - self.started)
        if ahead > 0:
            self.sleep(ahead)

    def elapsed(self) -> float:
        return self.clock() - self.started
