"""Reading back what a run produced: lake records and Elasticsearch documents."""

from __future__ import annotations

import gzip
import time
from collections import Counter

import msgspec
from confluent_kafka import Consumer, KafkaError

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan

from streaming.common.lake import LakeFileSystem


def lake_transaction_ids(lake: LakeFileSystem) -> Counter:
    ids: Counter = Counter()
    for key in lake.list("raw/transactions"):
        for line in gzip.decompress(lake.read(key)).splitlines():
            ids[_ID.decode(line).transaction_id] += 1
    return ids


class _Id(msgspec.Struct):
    transaction_id: str


_ID = msgspec.json.Decoder(_Id)


def committed_records(settings, topic: str, timeout_s: float = 120) -> list[tuple[bytes | None, bytes | None]]:
    """(key, value) of every record committed to `topic`, read to its end as read_committed."""
    consumer = Consumer({**settings.kafka.client_config(), "group.id": f"read-{topic}",
                         "auto.offset.reset": "earliest", "isolation.level": "read_committed",
                         "enable.partition.eof": True, "enable.auto.commit": False})
    consumer.subscribe([topic])
    records, at_end = [], set()
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            for message in consumer.consume(1000, timeout=1):
                if message.error() is None:
                    records.append((message.key(), message.value()))
                    at_end.discard(message.partition())
                elif message.error().code() == KafkaError._PARTITION_EOF:
                    at_end.add(message.partition())
            assigned = {tp.partition for tp in consumer.assignment()}
            if assigned and assigned <= at_end:
                return records
        raise TimeoutError(f"{topic} not read to its end in {timeout_s} s")
    finally:
        consumer.close()


def committed_transaction_ids(settings, topic: str) -> Counter:
    """Every transaction_id committed to `topic`, counted."""
    return Counter(_ID.decode(value).transaction_id for _key, value in committed_records(settings, topic))


def invalid_documents(es_url: str, index: str) -> dict[str, dict]:
    client = Elasticsearch(es_url, request_timeout=60)
    client.indices.refresh(index=index)
    return {hit["_id"]: hit["_source"] for hit in scan(client, index=index, query={"query": {"match_all": {}}})}
