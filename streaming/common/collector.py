"""The garbage collector's settings for a streaming loop.

A batch's thousands of Message objects are container objects, so each allocation counts towards
a young-generation collection (every 700 by default); yet they all die together by reference
counting when the next batch replaces them. Collecting them while they are alive is pure cost:
about a tenth of the lander's loop. Collections stay on, only rarer, for any cyclic garbage.
"""

from __future__ import annotations

import gc

# Net allocations of container objects between young-generation collections: well above a batch.
YOUNG_THRESHOLD = 100_000


def settle_collector() -> None:
    """Call once the process has started: start-up objects (modules, clients) move out of the
    collector's sight, and young collections happen every YOUNG_THRESHOLD allocations."""
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
