"""InvalidIndex.write against the real server: the validator's bulk body (encoded by msgspec) and
the checked items of a filtered response."""

from __future__ import annotations

import uuid

import pytest

from fraud_platform.contract import Reason, Violation
from streaming.validator.invalid_document import invalid_document
from streaming.validator.invalid_index import InvalidIndex

pytestmark = pytest.mark.services


@pytest.fixture
def index(settings):
    invalid = InvalidIndex(settings.elasticsearch.url, f"invalid-{uuid.uuid4().hex[:8]}")
    invalid.ensure()
    yield invalid
    invalid.client.indices.delete(index=invalid.index)
    invalid.close()


def document(payload: bytes, offset: int) -> tuple[str, dict]:
    violation = Violation(Reason.MALFORMED_JSON, "amount", "ünïcode message \"quoted\"")
    return f"raw-0-{offset}", invalid_document(payload=payload, violations=[violation], topic="raw", partition=0,
                                               offset=offset, key=b"k", timestamp_ms=1_714_521_600_000,
                                               raw_payload_max_bytes=4096)


def stored(index: InvalidIndex) -> dict[str, dict]:
    index.client.indices.refresh(index=index.index)
    hits = index.client.search(index=index.index, size=100)["hits"]["hits"]
    return {hit["_id"]: hit["_source"] for hit in hits}


def test_every_document_is_stored_as_built_and_a_replay_overwrites(index):
    documents = [document(b'{"amount": "lots", "city": "K\xc3\xb6ln \\u00e9"}', 1), document(b"\xff\xfe not utf-8", 2),
                 document(b'{"amount": 1e400}', 3)]
    index.write(documents)
    index.write(documents[:1])  # a replayed batch: same _id, no second document
    assert stored(index) == {doc_id: doc for doc_id, doc in documents}


def test_a_record_the_mapping_refuses_is_stored_without_it(index):
    # invalid_document keeps only scalars; an object under `record` (were one to slip through) is
    # what the mapping's ignore_malformed does not absorb: the fallback must still store the rest.
    doc_id, doc = document(b'{"amount": {"value": 1}}', 4)
    doc = {**doc, "record": {"amount": {"value": 1}}}
    index.write([(doc_id, doc), document(b"{}", 5)])
    documents = stored(index)
    assert documents[doc_id]["record"] == {} and documents[doc_id]["raw_payload"] == '{"amount": {"value": 1}}'
    assert set(documents) == {doc_id, "raw-0-5"}
