"""The valid messages of a batch into the transaction, produced past confluent_kafka's per-message
state when the native extension can (native/fraud_fastpath/src/producer.rs says why and how).

confluent_kafka's produce() gives every message a state whose delivery report takes the GIL from
the thread committing the transaction, to no use here: the validator sets no delivery callback,
and a failed delivery fails the transaction anyway. The native DirectProducer produces through
the same librdkafka handle, topic, partitioner and flags without that state. Where it cannot
(another build of confluent_kafka, another platform, no native extension), produce() is used.
"""

from __future__ import annotations

import logging

from confluent_kafka import KafkaError, KafkaException, Message, Producer

from streaming.common.native_build import fraud_fastpath, unusable_reason

log = logging.getLogger("fraud-validator")

QUEUE_FULL_WAIT_S = 0.05


def direct_producer(producer: Producer, topic: str, config: dict, native: bool = True):
    """A native DirectProducer for `producer` (made with `config`), or None to use produce()."""
    if not native or unusable_reason(fraud_fastpath) is not None:
        return None  # the validator has said why at start-up (fastpath.py)
    try:
        return fraud_fastpath.DirectProducer(producer, topic, config["transactional.id"])
    except RuntimeError as error:
        log.warning("producing valid messages through confluent_kafka's produce(): %s", error)
        return None


def produce_all(producer: Producer, direct, topic: str, messages: list[Message]) -> None:
    """Each message's value and key to `topic`, in order; waits out a full local queue."""
    if direct is None:
        for message in messages:
            while True:
                try:
                    producer.produce(topic, message.value(), message.key())
                    break
                except BufferError:  # local queue full: let deliveries drain
                    producer.poll(QUEUE_FULL_WAIT_S)
        return
    index = 0
    while index < len(messages):
        index, error = direct.produce(messages, index)
        if error == KafkaError._QUEUE_FULL:
            producer.poll(QUEUE_FULL_WAIT_S)
        elif error:
            raise KafkaException(KafkaError(error))
