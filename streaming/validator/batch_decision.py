"""One batch's decision: which messages go forward, and every other one with its violations.

Pure apart from the per-partition dedup windows it advances, in batch order: a valid message
whose transaction_id its window has seen becomes a DUPLICATE_TRANSACTION_ID rejection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from confluent_kafka import Message

from fraud_platform.contract import Reason, Violation

from .routing import MessageRouter


@dataclass(frozen=True)
class Rejected:
    message: Message
    violations: list[Violation]
    duplicate_of: int | None = None  # offset at which the same transaction_id was forwarded


def decide_batch(router: MessageRouter, records: list[Message], now: datetime, windows: dict
                 ) -> tuple[list[Message], list[Rejected]]:
    """(messages to forward, rejected messages), both in batch order. `windows` holds a window
    for every partition in the batch."""
    forward: list[Message] = []
    rejected: list[Rejected] = []
    # The native screen forwards most messages itself; the rest are decided here, in order.
    for message in router.undecided(records, now, windows, forward):
        outcome = router.route(message.value(), now)
        if not isinstance(outcome, str):
            rejected.append(Rejected(message, outcome))
            continue
        partition, offset = message.partition(), message.offset()
        duplicate_of = windows[partition].admit(offset, outcome)
        if duplicate_of is None:
            forward.append(message)
        else:
            rejected.append(Rejected(message, [Violation(
                Reason.DUPLICATE_TRANSACTION_ID, "transaction_id",
                f"{outcome} was forwarded at offset {duplicate_of} of partition {partition}")], duplicate_of))
    return forward, rejected
