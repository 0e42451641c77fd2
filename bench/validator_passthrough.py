"""The validator's anchor: the same consume → transactional produce loop, without validation.

Same client settings (streaming.common.kafka_clients), same batch size, same transactions with
send_offsets_to_transaction, and the same two stages as the validator's loop: a committer thread
runs batch N's transaction while the loop consumes batch N+1. Every message is forwarded
unchanged. Exits when caught up.

    python bench/validator_passthrough.py RAW_TOPIC OUT_TOPIC GROUP BATCH_SIZE
"""

from __future__ import annotations

import logging
import sys
from concurrent.futures import Future, ThreadPoolExecutor

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition

from fraud_platform.settings import Settings
from streaming.common.kafka_clients import consumer_config, transactional_producer_config

log = logging.getLogger("passthrough")


def main() -> None:
    raw, out, group, batch_size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    logging.basicConfig(level="INFO", format="%(asctime)s passthrough %(levelname)s %(message)s")
    settings = Settings.from_env()
    consumer = Consumer(consumer_config(settings, group, ""))
    producer = Producer(transactional_producer_config(settings, f"passthrough-{group}", 60000))
    producer.init_transactions(30)
    consumer.subscribe([raw], on_assign=lambda c, ps: log.info("assigned partitions %s", [p.partition for p in ps]))
    caught_up: set[int] = set()
    committer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="txn-commit")
    in_flight: Future | None = None

    def commit(records: list, group_metadata) -> None:
        producer.begin_transaction()
        last: dict[int, int] = {}
        for message in records:
            while True:
                try:
                    producer.produce(out, message.value(), message.key())
                    break
                except BufferError:
                    producer.poll(0.05)
            last[message.partition()] = message.offset()
        producer.send_offsets_to_transaction([TopicPartition(raw, p, o + 1) for p, o in last.items()],
                                             group_metadata, 30)
        producer.commit_transaction(30)

    while True:
        records = []
        for message in consumer.consume(batch_size, timeout=0.5):
            if message.error() is None:
                records.append(message)
                caught_up.discard(message.partition())
            elif message.error().code() == KafkaError._PARTITION_EOF:
                caught_up.add(message.partition())
        if in_flight is not None:
            in_flight.result()
            in_flight = None
        if records:
            in_flight = committer.submit(commit, records, consumer.consumer_group_metadata())
        assigned = {tp.partition for tp in consumer.assignment()}
        if assigned and assigned <= caught_up:  # as the validator's --drain: no poll after the end
            if in_flight is not None:
                in_flight.result()
            log.info("drained")
            break
    committer.shutdown()
    consumer.close()


if __name__ == "__main__":
    main()
