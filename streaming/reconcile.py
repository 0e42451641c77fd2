"""Reconciliation of one UTC day: produced = valid in the lake + invalid in Elasticsearch.

    produced  the generator's summary JSON (days[day].produced) when given, else a scan of the raw
              topic (read_committed), counting each message under its day;
    valid     records in the lake's raw/transactions/dt=<day>/ files;
    invalid   documents of the invalid index whose event_day is the day.

A message's day (streaming.common.event_day) is the UTC date of its event_time when that parses,
else of its Kafka timestamp: malformed or timestamp-less messages are counted on the day they
reached Kafka. The generator's summary counts a defect on the day of the transaction it was made
from, so for defects that destroy event_time the per-day figures can differ by those messages
unless the producer sets the Kafka timestamp to the event time; over all days they agree.

Pure library code (no Dagster), meant for asset checks and the CLI.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition
from elasticsearch import Elasticsearch

from fraud_platform.settings import Settings
from streaming.common.event_day import day_of_payload
from streaming.common.lake import LakeFileSystem
from streaming.lander.layout import RAW_PREFIX


@dataclass(frozen=True)
class DayReconciliation:
    day: str
    produced: int
    produced_source: str  # "generator-summary" or "kafka:<topic>"
    valid_in_lake: int
    invalid_in_elasticsearch: int

    @property
    def difference(self) -> int:
        """produced - (valid + invalid): 0 when nothing is lost or doubled; > 0 lost or still in flight."""
        return self.produced - self.valid_in_lake - self.invalid_in_elasticsearch

    @property
    def balanced(self) -> bool:
        return self.difference == 0


def lake_records(lake: LakeFileSystem, day: str) -> int:
    return sum(
        sum(1 for line in gzip.decompress(lake.read(key)).splitlines() if line.strip())
        for key in lake.list(f"{RAW_PREFIX}/dt={day}/")
        if key.endswith(".jsonl.gz")
    )


def invalid_documents(es: Elasticsearch, index: str, day: str) -> int:
    es.indices.refresh(index=index)
    return es.count(index=index, query={"term": {"event_day": day}})["count"]


def produced_from_summary(summary_path: str | Path, day: str) -> int:
    summary = json.loads(Path(summary_path).read_text())
    return summary.get("days", {}).get(day, {}).get("produced", 0)


def produced_in_kafka(settings: Settings, topic: str, days: set[str]) -> dict[str, int]:
    """Messages of the raw topic per day, for the requested days (one pass over the topic)."""
    consumer = Consumer({**settings.kafka.client_config(), "group.id": "fraud-reconcile",
                         "enable.auto.commit": False, "isolation.level": "read_committed",
                         "enable.partition.eof": True, "auto.offset.reset": "earliest"})

    partitions = consumer.list_topics(topic, timeout=30).topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    counts = dict.fromkeys(days, 0)
    finished: set[int] = set()
    try:
        while len(finished) < len(partitions):
            for message in consumer.consume(5000, timeout=5):
                error = message.error()
                if error is not None:
                    if error.code() == KafkaError._PARTITION_EOF:
                        finished.add(message.partition())
                    continue
                kind, timestamp = message.timestamp()
                day = day_of_payload(message.value(), timestamp if kind else None)
                if day in counts:
                    counts[day] += 1
    finally:
        consumer.close()
    return counts


def reconcile_days(
    days: list[str],
    *,
    settings: Settings,
    lake: LakeFileSystem,
    index: str | None = None,
    summary_path: str | Path | None = None,
    raw_topic: str | None = None,
) -> list[DayReconciliation]:
    index = index or settings.elasticsearch.invalid_index
    raw_topic = raw_topic or settings.kafka.raw_topic
    if summary_path is not None:
        produced = {day: produced_from_summary(summary_path, day) for day in days}
        source = "generator-summary"
    else:
        produced = produced_in_kafka(settings, raw_topic, set(days))
        source = f"kafka:{raw_topic}"
    es = Elasticsearch(settings.elasticsearch.url, request_timeout=60)
    try:
        return [
            DayReconciliation(day, produced[day], source, lake_records(lake, day), invalid_documents(es, index, day))
            for day in days
        ]
    finally:
        es.close()
