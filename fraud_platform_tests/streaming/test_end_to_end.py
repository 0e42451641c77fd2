"""One clean pass through validator and lander: every message lands exactly once, in the lake or in
Elasticsearch, and the lake files follow the Connect naming and are byte-reproducible."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime

import pytest

from .checks import invalid_documents, lake_transaction_ids
from .conftest import lake_files, lake_of
from .workload import produce, workload

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("services_stack")]

KEY = re.compile(r"^raw/transactions/dt=(\d{4}-\d{2}-\d{2})/validated-[0-9a-f]+\+(\d)\+(\d{10})\.jsonl\.gz$")


def test_every_message_lands_once(pipeline, settings, tmp_path):
    messages = workload(6000, seed=1)
    produce(settings.kafka.client_config(), pipeline.raw_topic, messages)
    pipeline.run(pipeline.validator_args("v0", "--drain"), "validator")
    pipeline.run(pipeline.lander_args("l0", "--drain", "--rotate-records", "500"), "lander")

    valid = {m.transaction_id for m in messages if m.fate == "valid"}
    landed = lake_transaction_ids(lake_of(settings, pipeline.lake_root))
    assert set(landed) == valid and max(landed.values()) == 1
    documents = invalid_documents(settings.elasticsearch.url, pipeline.index)
    assert len(documents) == sum(m.fate != "valid" for m in messages)
    assert sum(landed.values()) + len(documents) == len(messages)
    assert sum("duplicate_transaction_id" in d["reasons"] for d in documents.values()) == sum(
        m.fate == "duplicate" for m in messages)

    files = lake_files(lake_of(settings, pipeline.lake_root))
    for key, data in files.items():
        day, _partition, _start = KEY.match(key).groups()
        assert data[4:8] == b"\0\0\0\0" and not data[3] & 0x08  # gzip mtime 0, no file name
        assert {json.loads(line)["event_time"][:10] for line in gzip.decompress(data).splitlines()} == {day}
    # A second lander in a fresh group over the same topic writes the same keys with the same bytes.
    again = str(tmp_path / "again")
    pipeline.run(pipeline.lander_args("l1", "--drain", "--rotate-records", "500", lake_root=again,
                                      group=f"again-{pipeline.tag}"), "lander-again")
    assert lake_files(lake_of(settings, again)) == files


def test_reconciliation_balances_every_day(pipeline, settings, tmp_path):
    from streaming.reconcile import reconcile_days

    messages = workload(4000, seed=3)
    produce(settings.kafka.client_config(), pipeline.raw_topic, messages)
    pipeline.run(pipeline.validator_args("v0", "--drain"), "validator")
    lake = lake_of(settings, pipeline.lake_root)
    days = ["2024-04-29", "2024-04-30", "2024-05-01", "2024-05-02"]
    before_landing = reconcile_days(days, settings=settings, lake=lake, index=pipeline.index,
                                    raw_topic=pipeline.raw_topic)
    assert sum(r.difference for r in before_landing) == sum(m.fate == "valid" for m in messages)
    pipeline.run(pipeline.lander_args("l0", "--drain"), "lander")

    report = reconcile_days(days, settings=settings, lake=lake, index=pipeline.index, raw_topic=pipeline.raw_topic)
    assert all(r.balanced for r in report), report
    # Messages without a usable event_time are counted on their Kafka timestamp's day (today); the
    # future-timestamp defect on its own far-future day.
    today = datetime.now(UTC).date().isoformat()
    others = reconcile_days([today, "2999-01-01"], settings=settings, lake=lake, index=pipeline.index,
                            raw_topic=pipeline.raw_topic)
    assert all(r.balanced and r.valid_in_lake == 0 and r.produced > 0 for r in others), others
    assert sum(r.produced for r in report + others) == len(messages)

    summary = tmp_path / "summary.json"
    summary.write_text(json.dumps({"days": {r.day: {"produced": r.produced} for r in report}}))
    from_summary = reconcile_days(days, settings=settings, lake=lake, index=pipeline.index, summary_path=summary)
    assert [r.produced_source for r in from_summary] == ["generator-summary"] * 4
    assert [r.difference for r in from_summary] == [0, 0, 0, 0]
