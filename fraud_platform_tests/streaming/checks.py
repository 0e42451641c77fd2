"""Reading back what a run produced: lake records and Elasticsearch documents."""

from __future__ import annotations

import gzip
from collections import Counter

import msgspec

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan

from streaming.common.lake import LakeFileSystem


def lake_transaction_ids(lake: LakeFileSystem) -> Counter:
    ids: Counter = Counter()
    for key in lake.list("raw/transactions"):
        for line in gzip.decompress(lake.read(key)).splitlines():
            ids[_ID.decode(line).transaction_id] += 1
    return ids


class _Id(msgspec.Struct):
    transaction_id: str


_ID = msgspec.json.Decoder(_Id)


def invalid_documents(es_url: str, index: str) -> dict[str, dict]:
    client = Elasticsearch(es_url, request_timeout=60)
    client.indices.refresh(index=index)
    return {hit["_id"]: hit["_source"] for hit in scan(client, index=index, query={"query": {"match_all": {}}})}
