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


def decide_batch(router: MessageRouter, records: list[Message], now: datetime, windows: dict, screened=None
                 ) -> tuple[list[Message], list[Rejected]]:
    """(messages to forward, rejected messages), both in batch order. `windows` holds a window
    for every partition in the batch; `screened` is router.screen(records, now) when the caller
    already has it."""
    if screened is None:
        screened = router.screen(records, now)
    if screened is None:
        return _decide_one_at_a_time(router, records, now, windows)
    # The native screen accepted most messages; the reference decides the rest. route() does not
    # depend on the windows, so the windows can then see every valid message in batch order at once.
    rejected: dict[int, Rejected] = {}
    for index in screened.undecided():
        message = records[index]
        outcome = router.route(message.value(), now)
        if isinstance(outcome, str):
            screened.set_valid(index, outcome)
        else:
            rejected[index] = Rejected(message, outcome)
    forward, duplicates = screened.admit(windows)
    for index, transaction_id, duplicate_of in duplicates:
        rejected[index] = _duplicate(records[index], transaction_id, duplicate_of)
    return forward, [rejected[index] for index in sorted(rejected)]


def _decide_one_at_a_time(router: MessageRouter, records: list[Message], now: datetime, windows: dict
                          ) -> tuple[list[Message], list[Rejected]]:
    """decide_batch without the native path: route() and the window, message by message."""
    forward: list[Message] = []
    rejected: list[Rejected] = []
    for message in records:
        outcome = router.route(message.value(), now)
        if not isinstance(outcome, str):
            rejected.append(Rejected(message, outcome))
            continue
        duplicate_of = windows[message.partition()].admit(message.offset(), outcome)
        if duplicate_of is None:
            forward.append(message)
        else:
            rejected.append(_duplicate(message, outcome, duplicate_of))
    return forward, rejected


def _duplicate(message: Message, transaction_id: str, duplicate_of: int) -> Rejected:
    return Rejected(message, [Violation(
        Reason.DUPLICATE_TRANSACTION_ID, "transaction_id",
        f"{transaction_id} was forwarded at offset {duplicate_of} of partition {message.partition()}")], duplicate_of)
