"""A per-partition window of forwarded transaction_ids, bounded by an offset span.

The window at offset o holds the ids forwarded at offsets [o - span, o); offsets only grow, as a
partition's do (a rewound partition gets a new window). Bounding by offsets
(not by count or time) makes the decision a function of the partition's contents alone, so a
restarted validator that re-reads the span before its committed offset (see warmup.py) decides
exactly as its predecessor did.
"""

from __future__ import annotations

from collections import deque


class DedupWindow:
    def __init__(self, span: int) -> None:
        self.span = span
        self._order: deque[tuple[int, str]] = deque()
        self._offset_of: dict[str, int] = {}

    def first_seen(self, offset: int, transaction_id: str) -> int | None:
        """Offset at which transaction_id was forwarded within the span before `offset`, or None."""
        horizon = offset - self.span
        while self._order and self._order[0][0] < horizon:
            old_offset, old_id = self._order.popleft()
            if self._offset_of.get(old_id) == old_offset:
                del self._offset_of[old_id]
        return self._offset_of.get(transaction_id)

    def admit(self, offset: int, transaction_id: str) -> int | None:
        """first_seen, then add when it was not seen: the offset it was forwarded at, or None
        (and now remembered at `offset`). One call on the validator's per-message path."""
        seen = self.first_seen(offset, transaction_id)
        if seen is None:
            self.add(offset, transaction_id)
        return seen

    def add(self, offset: int, transaction_id: str) -> None:
        self._order.append((offset, transaction_id))
        self._offset_of[transaction_id] = offset

    def __len__(self) -> int:
        return len(self._offset_of)
