"""Rebuild a partition's dedup window by re-reading the span before the resume offset.

Without this, a restart would forget recent ids: a duplicate whose batch had reached
Elasticsearch but not the Kafka commit would, on replay, be forwarded as valid, and the
message would be counted twice (once in the lake, once in Elasticsearch).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from confluent_kafka import Consumer, KafkaError, TopicPartition

from .dedup import DedupWindow
from .fastpath import new_dedup_window
from .routing import MessageRouter

IDLE_LIMIT_S = 60


def warm_window(reader: Consumer, router: MessageRouter, topic: str, partition: int, resume_offset: int,
                span: int) -> DedupWindow:
    window = new_dedup_window(span, router.native)
    low, _high = reader.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
    start = max(low, resume_offset - span)
    if start >= resume_offset:
        return window
    reader.assign([TopicPartition(topic, partition, start)])
    now = datetime.now(UTC)
    last_progress = time.monotonic()
    try:
        while True:
            messages = reader.consume(1000, timeout=1)
            if not messages and time.monotonic() - last_progress > IDLE_LIMIT_S:
                raise TimeoutError(f"warm-up of {topic}[{partition}] made no progress for {IDLE_LIMIT_S} s")
            for message in messages:
                error = message.error()
                if error is not None:
                    if error.code() == KafkaError._PARTITION_EOF:
                        return window
                    continue
                last_progress = time.monotonic()
                if message.offset() >= resume_offset:
                    return window
                outcome = router.route(message.value(), now)
                if isinstance(outcome, str):
                    window.admit(message.offset(), outcome)
    finally:
        reader.unassign()
