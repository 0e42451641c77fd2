"""The contract's Elasticsearch mapping is accepted by the real server, and a record with wrong
values still indexes (the invalid-transactions index must never reject a document)."""

from __future__ import annotations

import uuid

import pytest
from elasticsearch import Elasticsearch

from fraud_platform.contract import elasticsearch_mapping, example_transaction

pytestmark = pytest.mark.services


@pytest.fixture
def es_index(settings):
    client = Elasticsearch(settings.elasticsearch.url, request_timeout=30)
    index = f"contract-{uuid.uuid4().hex[:8]}"
    client.indices.create(index=index, mappings=elasticsearch_mapping())
    yield client, index
    client.indices.delete(index=index)


def test_mapping_is_applied_as_derived(es_index):
    client, index = es_index
    applied = client.indices.get_mapping(index=index)[index]["mappings"]["properties"]
    assert set(applied) == set(elasticsearch_mapping()["properties"])
    assert applied["event_time"]["type"] == "date" and applied["amount"]["type"] == "double"


def test_good_and_malformed_records_both_index(es_index):
    client, index = es_index
    good = example_transaction()
    bad = {**good, "amount": "lots", "event_time": "yesterday", "ip_address": "999.1.1", "latitude": "north"}
    client.index(index=index, id="good", document=good)
    client.index(index=index, id="bad", document=bad, refresh="wait_for")
    assert client.count(index=index)["count"] == 2
    hits = client.search(index=index, query={"term": {"transaction_id": good["transaction_id"]}})["hits"]["hits"]
    assert {h["_id"] for h in hits} == {"good", "bad"}
