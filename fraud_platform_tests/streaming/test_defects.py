"""Every defect class reaches Elasticsearch with its reason code and field path, and none reaches
validated-transactions."""

from __future__ import annotations

import msgspec
import numpy as np
import pytest

from fraud_platform.contract import Reason, example_transaction

from .checks import committed_records, invalid_documents
from .workload import defect_payloads, valid_record

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("services_stack")]


def generator_defects() -> dict[str, tuple[bytes, Reason]]:
    """One message per class of the generator's taxonomy, when that package is present."""
    try:
        from streaming.generator.defect_classes import DEFECT_CLASSES
    except ImportError:
        return {}
    rng = np.random.default_rng(11)
    cases = {}
    for i, (name, defect) in enumerate(DEFECT_CLASSES.items()):
        if defect.repeats_earlier:
            continue  # duplicates are checked with their original below
        valid = msgspec.json.encode(valid_record(1000 + i, seed=11))
        cases[f"generator-{name}"] = (defect.corrupt(valid, rng), defect.reason)
    return cases


def read_all(settings, topic: str) -> list[bytes]:
    """The keys of every record committed to `topic`."""
    return [key for key, _value in committed_records(settings, topic)]


def test_every_defect_class_is_routed_with_its_reason(pipeline, settings):
    from confluent_kafka import Producer

    cases = {**defect_payloads(), **generator_defects()}
    original = msgspec.json.encode(valid_record(1, seed=5))
    producer = Producer({**settings.kafka.client_config(), "message.max.bytes": 1_000_000})
    for name, (payload, _reason) in cases.items():
        producer.produce(pipeline.raw_topic, payload, name.encode())
    # A valid control message, then the same message again: the second is the duplicate.
    producer.produce(pipeline.raw_topic, original, b"control")
    producer.produce(pipeline.raw_topic, original, b"control")
    producer.produce(pipeline.raw_topic, msgspec.json.encode(example_transaction()), b"example")
    assert producer.flush(30) == 0
    pipeline.run(pipeline.validator_args("v0", "--drain"), "validator")

    documents = invalid_documents(settings.elasticsearch.url, pipeline.index)
    by_key = {}
    for doc in documents.values():
        by_key.setdefault(doc["source"]["key"], []).append(doc)
    for name, (_payload, reason) in cases.items():
        [doc] = by_key[name]
        assert str(reason) in doc["reasons"], (name, doc["reasons"])
        assert doc["validator_version"] and doc["source"]["topic"] == pipeline.raw_topic
        assert {v["reason"] for v in doc["violations"]} == set(doc["reasons"])
    [duplicate] = by_key["control"]
    assert duplicate["reasons"] == [Reason.DUPLICATE_TRANSACTION_ID]
    assert duplicate["fields"] == ["transaction_id"]
    assert duplicate["duplicate_of"]["offset"] < duplicate["source"]["offset"]
    assert sorted(read_all(settings, pipeline.validated_topic)) == [b"control", b"example"]


def test_invalid_documents_keep_field_paths_and_raw_payload(pipeline, settings):
    """The per-rule contract cases: the reported field path is the rule's field; bytes are kept."""
    from confluent_kafka import Producer

    from fraud_platform_tests.unit.contract_cases import INVALID

    producer = Producer(settings.kafka.client_config())
    for name, bad in INVALID.items():
        producer.produce(pipeline.raw_topic, msgspec.json.encode(bad.record), name.encode())
    producer.produce(pipeline.raw_topic, b"\xff\xfe" * 10, b"binary")
    assert producer.flush(30) == 0
    pipeline.run(pipeline.validator_args("v0", "--drain"), "validator")

    documents = {d["source"]["key"]: d for d in invalid_documents(settings.elasticsearch.url,
                                                                  pipeline.index).values()}
    assert documents.keys() == {*INVALID, "binary"}
    for name, bad in INVALID.items():
        doc = documents[name]
        assert bad.field in doc["fields"] and str(bad.reason) in doc["reasons"], name
        assert doc["raw_payload_encoding"] == "utf-8"
        assert msgspec.json.decode(doc["raw_payload"]) == bad.record
        assert doc["event_day"] is not None
    binary = documents["binary"]
    assert binary["raw_payload_encoding"] == "base64" and binary["reasons"] == [Reason.INVALID_UTF8]
    assert binary["event_day_source"] == "kafka_timestamp"
