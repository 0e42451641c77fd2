"""Consumer lag per assigned partition: high watermark minus the consumer's position."""

from __future__ import annotations

from confluent_kafka import OFFSET_INVALID, Consumer, KafkaException, TopicPartition


def consumer_lag(consumer: Consumer, fallback: dict[tuple[str, int], int] | None = None) -> dict[int, int]:
    """{partition: messages not yet processed}; partitions whose watermark cannot be read are left out.

    `fallback` gives the position to use for a partition the consumer has not positioned yet
    (the last committed offset), so a stalled process still reports what it has not done.
    """
    try:
        assignment = consumer.assignment()
        positions = consumer.position(assignment) if assignment else []
    except KafkaException:
        return {}
    lag = {}
    for tp in positions:
        try:
            # The cached high watermark comes with every fetch response: no broker round trip.
            _low, high = consumer.get_watermark_offsets(TopicPartition(tp.topic, tp.partition), cached=True)
            if high < 0:
                _low, high = consumer.get_watermark_offsets(TopicPartition(tp.topic, tp.partition), timeout=2)
        except KafkaException:
            continue
        position = tp.offset
        if position == OFFSET_INVALID:
            position = (fallback or {}).get((tp.topic, tp.partition), _low)
        lag[tp.partition] = max(0, high - position)
    return lag
