"""invalid_document's strings: bounded, and always encodable as UTF-8 for the Elasticsearch client."""

from __future__ import annotations

import msgspec

from fraud_platform.contract import Reason, Violation
from streaming.validator.invalid_document import MAX_RECORD_STRING, invalid_document


def build(payload: bytes, message: str = "is wrong") -> dict:
    return invalid_document(payload=payload, violations=[Violation(Reason.INVALID_FORMAT, "city", message)],
                            topic="raw", partition=0, offset=7, key=None, timestamp_ms=None,
                            raw_payload_max_bytes=4096)


def test_ascii_and_non_ascii_strings_are_kept_as_they_are():
    doc = build('{"city": "Köln", "merchant_name": "ACME \\u00e9"}'.encode())
    assert doc["record"]["city"] == "Köln"
    assert doc["record"]["merchant_name"] == "ACME é"
    assert doc["violations"][0]["message"] == "is wrong"


def test_long_strings_are_cut_at_the_limit_ascii_or_not():
    for char in ("a", "ö"):
        doc = build(msgspec.json.encode({"city": char * (MAX_RECORD_STRING + 10)}))
        assert doc["record"]["city"] == char * MAX_RECORD_STRING


def test_a_lone_surrogate_is_replaced_so_the_document_encodes():
    # msgspec refuses a lone surrogate escape in the payload, so only the raw payload keeps it;
    # a message naming one (built from Python text) has it replaced.
    doc = build(b'{"city": "a\\ud800b"}', message="bad \ud800")
    assert doc["record"] == {}
    assert doc["raw_payload"] == '{"city": "a\\ud800b"}'
    assert doc["violations"][0]["message"] == "bad ?"
    msgspec.json.encode(doc)  # what the bulk body does: raises on a lone surrogate
