"""The per-message decision: a valid message's transaction_id, or every rule it breaks.

Pure and total: any bytes (or None, a tombstone) go in, an answer comes out, nothing raises.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import msgspec

from fraud_platform.contract import Violation, validate


class _TransactionId(msgspec.Struct):
    transaction_id: str


_ID = msgspec.json.Decoder(_TransactionId)


class MessageRouter:
    def __init__(self, max_amount: Decimal) -> None:
        self.max_amount = max_amount  # parsed once, not per message

    def route(self, payload: bytes | None, now: datetime) -> str | list[Violation]:
        """The transaction_id of a valid payload, else the non-empty list of its violations."""
        data = b"" if payload is None else payload
        violations = validate(data, max_amount=self.max_amount, now=now)
        if violations:
            return violations
        return _ID.decode(data).transaction_id
