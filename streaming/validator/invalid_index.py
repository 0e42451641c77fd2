"""The invalid-transactions index: its mapping (derived from the contract) and a checked bulk writer."""

from __future__ import annotations

from typing import Any

import msgspec
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch

from fraud_platform.contract import elasticsearch_mapping

from .invalid_document import without_record

KEYWORD = {"type": "keyword", "ignore_above": 256}
# Only what the item check reads: a smaller response to parse for every batch.
BULK_RESPONSE_FIELDS = "errors,items.*._id,items.*.status,items.*.error"
_ENCODE = msgspec.json.Encoder()


def invalid_index_mapping() -> dict[str, Any]:
    """The contract's fields under `record`, plus what the validator adds."""
    return {
        "dynamic": False,
        "properties": {
            "record": {"type": "object", **elasticsearch_mapping()},
            "reasons": KEYWORD,
            "fields": KEYWORD,
            "violations": {
                "properties": {"reason": KEYWORD, "field": KEYWORD, "message": {"type": "text"}},
            },
            "duplicate_of": {"properties": {"partition": {"type": "integer"}, "offset": {"type": "long"}}},
            # Kept for reading only: never searched, so not indexed.
            "raw_payload": {"type": "text", "index": False},
            "raw_payload_encoding": KEYWORD,
            "raw_payload_bytes": {"type": "integer"},
            "raw_payload_truncated": {"type": "boolean"},
            "source": {
                "properties": {
                    "topic": KEYWORD,
                    "partition": {"type": "integer"},
                    "offset": {"type": "long"},
                    "key": KEYWORD,
                }
            },
            "kafka_timestamp": {"type": "date", "format": "epoch_millis"},
            "event_day": {"type": "date", "format": "strict_date"},
            "event_day_source": KEYWORD,
            "validator_version": KEYWORD,
        },
    }


class ElasticsearchUnavailable(Exception):
    """Elasticsearch could not take the batch now; retry later, do not advance."""


class InvalidIndex:
    def __init__(self, url: str, index: str, *, request_timeout_s: float = 10) -> None:
        self.index = index
        self.client = Elasticsearch(url, request_timeout=request_timeout_s, max_retries=0, retry_on_timeout=False)

    def ensure(self) -> None:
        """Create the index with its mapping unless it exists."""
        try:
            if not self.client.indices.exists(index=self.index):
                self.client.indices.create(index=self.index, mappings=invalid_index_mapping())
        except ApiError as error:
            if error.meta.status >= 500 or error.meta.status == 429:
                raise ElasticsearchUnavailable(str(error)) from error
            if "resource_already_exists" not in str(error):
                raise
        except TransportError as error:
            raise ElasticsearchUnavailable(str(error)) from error

    def write(self, documents: list[tuple[str, dict[str, Any]]]) -> None:
        """Index every document (by its _id) or raise; every item's result is checked."""
        pending = dict(documents)
        degraded: set[str] = set()
        while pending:
            try:
                response = self.client.bulk(operations=self._ndjson(pending), filter_path=BULK_RESPONSE_FIELDS)
            except (TransportConnectionError, TransportError) as error:
                raise ElasticsearchUnavailable(str(error)) from error
            except ApiError as error:
                if error.meta.status >= 500 or error.meta.status == 429:
                    raise ElasticsearchUnavailable(str(error)) from error
                raise
            retry: dict[str, dict[str, Any]] = {}
            for item in response["items"]:
                result = item["index"]
                status, doc_id = result["status"], result["_id"]
                if status < 300:
                    continue
                if status == 429 or status >= 500:
                    raise ElasticsearchUnavailable(f"{doc_id}: {status} {result.get('error')}")
                if doc_id in degraded:
                    raise RuntimeError(f"Elasticsearch rejects {doc_id} even without its record: {result['error']}")
                # A raw value the mapping cannot hold: keep the message, drop the parsed copy.
                degraded.add(doc_id)
                retry[doc_id] = without_record(pending[doc_id])
            pending = retry

    def _ndjson(self, documents: dict[str, dict[str, Any]]) -> bytes:
        """The bulk body, encoded here (msgspec, in C) rather than line by line by the client's json."""
        lines = []
        for doc_id, doc in documents.items():
            lines += [_ENCODE.encode({"index": {"_index": self.index, "_id": doc_id}}), _ENCODE.encode(doc)]
        return b"\n".join(lines) + b"\n"

    def close(self) -> None:
        self.client.close()
