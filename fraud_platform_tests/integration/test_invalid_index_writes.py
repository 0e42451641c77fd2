"""InvalidIndex against the real server: the validator's bulk body (encoded by msgspec), the
checked items of a filtered response, and how each kind of failure is told apart."""

from __future__ import annotations

import socket
import uuid

import pytest
from elasticsearch import Elasticsearch

from fraud_platform.contract import Reason, Violation
from streaming.validator.invalid_document import invalid_document
from streaming.validator.invalid_index import ElasticsearchRefused, ElasticsearchUnavailable, InvalidIndex

pytestmark = pytest.mark.services


@pytest.fixture
def es(settings):
    client = Elasticsearch(settings.elasticsearch.url)
    yield client
    client.close()


@pytest.fixture
def index(settings, es):
    invalid = InvalidIndex(settings.elasticsearch.url, f"invalid-{uuid.uuid4().hex[:8]}")
    invalid.ensure()
    yield invalid
    es.indices.delete(index=invalid.index)
    invalid.close()


def document(payload: bytes, offset: int) -> tuple[str, dict]:
    violation = Violation(Reason.MALFORMED_JSON, "amount", "ünïcode message \"quoted\"")
    return f"raw-0-{offset}", invalid_document(payload=payload, violations=[violation], topic="raw", partition=0,
                                               offset=offset, key=b"k", timestamp_ms=1_714_521_600_000,
                                               raw_payload_max_bytes=4096)


def stored(es: Elasticsearch, index: InvalidIndex) -> dict[str, dict]:
    es.indices.refresh(index=index.index)
    hits = es.search(index=index.index, size=100)["hits"]["hits"]
    return {hit["_id"]: hit["_source"] for hit in hits}


def test_every_document_is_stored_as_built_and_a_replay_overwrites(es, index):
    documents = [document(b'{"amount": "lots", "city": "K\xc3\xb6ln \\u00e9"}', 1), document(b"\xff\xfe not utf-8", 2),
                 document(b'{"amount": 1e400}', 3)]
    index.write(documents)
    index.write(documents[:1])  # a replayed batch: same _id, no second document
    assert stored(es, index) == {doc_id: doc for doc_id, doc in documents}


def test_a_record_the_mapping_refuses_is_stored_without_it(es, index):
    # invalid_document keeps only scalars; an object under `record` (were one to slip through) is
    # what the mapping's ignore_malformed does not absorb: the fallback must still store the rest.
    doc_id, doc = document(b'{"amount": {"value": 1}}', 4)
    doc = {**doc, "record": {"amount": {"value": 1}}}
    index.write([(doc_id, doc), document(b"{}", 5)])
    documents = stored(es, index)
    assert documents[doc_id]["record"] == {} and documents[doc_id]["raw_payload"] == '{"amount": {"value": 1}}'
    assert set(documents) == {doc_id, "raw-0-5"}


def test_ensure_keeps_an_existing_index_and_its_documents(es, index):
    index.write([document(b"{}", 6)])
    index.ensure()
    assert set(stored(es, index)) == {"raw-0-6"}
    assert es.indices.get_mapping(index=index.index)[index.index]["mappings"]["dynamic"] == "false"


def test_a_request_elasticsearch_refuses_is_an_error_not_a_retry(settings):
    invalid = InvalidIndex(settings.elasticsearch.url, "Invalid-Upper-Case")  # index names are lowercase
    with pytest.raises(ElasticsearchRefused, match="creating index Invalid-Upper-Case: HTTP 400") as refused:
        invalid.ensure()
    assert refused.value.status == 400
    invalid.close()


def test_no_server_means_unavailable_so_the_batch_is_held_back():
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    invalid = InvalidIndex(f"http://127.0.0.1:{port}", "invalid-nowhere", request_timeout_s=2)
    with pytest.raises(ElasticsearchUnavailable, match="checking index invalid-nowhere"):
        invalid.ensure()
    with pytest.raises(ElasticsearchUnavailable, match="bulk write to invalid-nowhere"):
        invalid.write([document(b"{}", 7)])
    invalid.close()
