"""--drain exits once every partition is at its end, but never while a batch it read is held back:
a partition rewound after a failed batch is not at its end until it is read again."""

from __future__ import annotations

import threading
import time

import pytest
from elasticsearch import Elasticsearch

from streaming.validator.invalid_index import InvalidIndex

from .checks import invalid_documents, lake_transaction_ids
from .conftest import lake_of
from .workload import produce, workload

pytestmark = [pytest.mark.services]


def refuse_writes(es: Elasticsearch, index: str, until: threading.Event) -> None:
    """The flood-stage block: Elasticsearch answers writes with 429, as when its disk is full.
    Its disk monitor lifts the block by itself on a disk with room, so it is set again and again."""
    while not until.wait(0.05):
        es.indices.put_settings(index=index, settings={"index.blocks.read_only_allow_delete": True})
    es.indices.put_settings(index=index, settings={"index.blocks.read_only_allow_delete": None})


def test_a_drain_holds_back_until_elasticsearch_takes_writes_again(pipeline, settings):
    # Two batches reach every partition's end; their invalid messages cannot be written.
    messages = workload(600, seed=8)
    assert any(m.fate != "valid" for m in messages[:500])
    produce(settings.kafka.client_config(), pipeline.raw_topic, messages)
    InvalidIndex(settings.elasticsearch.url, pipeline.index).ensure()
    es = Elasticsearch(settings.elasticsearch.url)
    es.indices.put_settings(index=pipeline.index, settings={"index.blocks.read_only_allow_delete": True})
    lifted = threading.Event()
    blocker = threading.Thread(target=refuse_writes, args=(es, pipeline.index, lifted))
    blocker.start()
    try:
        validator = pipeline.start(pipeline.validator_args("v0", "--drain", "--batch-size", "500"), "validator")
        pipeline.wait_for_log(validator, "not advancing (ElasticsearchUnavailable")
        time.sleep(2)  # a retry or two, each reading to the end again and failing
    finally:
        lifted.set()
        blocker.join()
    assert validator.wait(120) == 0, pipeline.log_tail("validator")
    pipeline.run(pipeline.lander_args("l0", "--drain"), "lander")

    landed = lake_transaction_ids(lake_of(settings, pipeline.lake_root))
    assert set(landed) == {m.transaction_id for m in messages if m.fate == "valid"}
    assert max(landed.values()) == 1
    assert len(invalid_documents(settings.elasticsearch.url, pipeline.index)) == sum(
        m.fate != "valid" for m in messages)
