"""The lander's anchor: a plain read_committed consumer that reads a topic to its end, doing nothing.

    python bench/lander_plain_consumer.py TOPIC GROUP
"""

from __future__ import annotations

import logging
import sys

from confluent_kafka import Consumer, KafkaError

from fraud_platform.settings import Settings
from streaming.common.kafka_clients import consumer_config

log = logging.getLogger("plain")


def main() -> None:
    topic, group = sys.argv[1], sys.argv[2]
    logging.basicConfig(level="INFO", format="%(asctime)s plain %(levelname)s %(message)s")
    consumer = Consumer(consumer_config(Settings.from_env(), group, ""))
    consumer.subscribe([topic], on_assign=lambda c, ps: log.info("assigned partitions %s", [p.partition for p in ps]))
    caught_up: set[int] = set()
    records = 0
    while True:
        batch = consumer.consume(5000, timeout=0.5)
        for message in batch:
            if message.error() is None:
                records += 1
                caught_up.discard(message.partition())
            elif message.error().code() == KafkaError._PARTITION_EOF:
                caught_up.add(message.partition())
        assigned = {tp.partition for tp in consumer.assignment()}
        if assigned and assigned <= caught_up:  # as the lander's --drain: no poll after the end
            log.info("drained %d records", records)
            break
    consumer.close()


if __name__ == "__main__":
    main()
