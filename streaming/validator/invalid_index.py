"""The invalid-transactions index: its mapping (derived from the contract) and a checked bulk writer.

It speaks to Elasticsearch through elastic-transport, the official client's own HTTP layer, and
not through the `elasticsearch` package: that package imports pyarrow and numpy when they are
installed (as they are here, for Spark and the models). They cost the validator about 40 MB of
its 200 MB budget (peak RSS 175 -> 134 MB) and 0.6 s of start-up, for three requests that need
neither.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import msgspec
from elastic_transport import Transport, TransportError
from elastic_transport.client_utils import url_to_node_config

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


class ElasticsearchRefused(RuntimeError):
    """Elasticsearch answered a request with an error that retrying will not change (a 4xx)."""

    def __init__(self, status: int, what: str, body: Any) -> None:
        super().__init__(f"{what}: HTTP {status}: {str(body)[:500]}")
        self.status = status
        self.body = body


class InvalidIndex:
    def __init__(self, url: str, index: str, *, request_timeout_s: float = 10) -> None:
        self.index = index
        # No retries here: the validator's loop holds the batch back and retries with backoff.
        node = dataclasses.replace(url_to_node_config(url), request_timeout=request_timeout_s)
        self.transport = Transport([node], max_retries=0, retry_on_timeout=False, retry_on_status=())

    def ensure(self) -> None:
        """Create the index with its mapping unless it exists."""
        if self._request("HEAD", f"/{self.index}", what=f"checking index {self.index}", tolerate=(404,))[0] == 200:
            return
        try:
            self._request("PUT", f"/{self.index}", {"mappings": invalid_index_mapping()},
                          what=f"creating index {self.index}")
        except ElasticsearchRefused as refused:
            if "resource_already_exists" not in str(refused.body):  # else another validator was first
                raise

    def write(self, documents: list[tuple[str, dict[str, Any]]]) -> None:
        """Index every document (by its _id) or raise; every item's result is checked."""
        pending = dict(documents)
        degraded: set[str] = set()
        while pending:
            _status, response = self._request("POST", f"/_bulk?filter_path={BULK_RESPONSE_FIELDS}",
                                              self._ndjson(pending), what=f"bulk write to {self.index}",
                                              content_type="application/x-ndjson")
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

    def _request(self, method: str, target: str, body: Any = None, *, what: str,
                 content_type: str = "application/json", tolerate: tuple[int, ...] = ()) -> tuple[int, Any]:
        """(HTTP status, parsed body) of a 2xx answer or a `tolerate`d one. No answer, or one that
        says "later" (429, 5xx): ElasticsearchUnavailable. Any other: ElasticsearchRefused."""
        headers = {"accept": "application/json"}
        if body is not None:
            headers["content-type"] = content_type
        try:
            response = self.transport.perform_request(method, target, body=body, headers=headers)
        except TransportError as error:
            raise ElasticsearchUnavailable(f"{what}: {error}") from error
        status = response.meta.status
        if status < 300 or status in tolerate:
            return status, response.body
        if status == 429 or status >= 500:
            raise ElasticsearchUnavailable(f"{what}: HTTP {status}: {str(response.body)[:500]}")
        raise ElasticsearchRefused(status, what, response.body)

    def close(self) -> None:
        self.transport.close()
