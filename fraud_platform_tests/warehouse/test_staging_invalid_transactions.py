"""staging_invalid_transactions against the real Elasticsearch, with the validator's own index
mapping and document builder (so a change of the document shape breaks this test)."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timezone

import dagster as dg
import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from fraud_platform.contract import Reason, Violation, example_transaction
from fraud_platform.defs.warehouse.resources import DuckDBWarehouse
from fraud_platform.defs.warehouse.staging_invalid_transactions import build_staging_invalid_transactions
from fraud_platform.resources import ElasticsearchResource
from streaming.validator.invalid_document import invalid_document
from streaming.validator.invalid_index import invalid_index_mapping

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("services_stack")]

MAY_1_NOON_MS = int(datetime(2024, 5, 1, 12, tzinfo=timezone.utc).timestamp() * 1000)


def _doc(offset: int, reasons: list[Reason], event_time: str | None) -> dict:
    record = example_transaction() | {"event_time": event_time}
    return invalid_document(
        payload=json.dumps(record).encode(), violations=[Violation(r, "amount", "bad") for r in reasons],
        topic="raw-transactions", partition=0, offset=offset, key=None, timestamp_ms=MAY_1_NOON_MS,
        raw_payload_max_bytes=4096,
    )


@pytest.fixture
def invalid_index(settings):
    es = ElasticsearchResource(url=settings.elasticsearch.url).client()
    index = f"test-invalid-{uuid.uuid4().hex[:8]}"
    es.indices.create(index=index, mappings=invalid_index_mapping())
    docs = [
        _doc(1, [Reason.AMOUNT_OVER_LIMIT], "2024-05-01T08:00:00Z"),
        _doc(2, [Reason.AMOUNT_OVER_LIMIT, Reason.BAD_COUNTRY_CODE], "2024-05-01T23:59:59Z"),
        _doc(3, [Reason.UNPARSEABLE_TIMESTAMP], "yesterday"),  # day from the Kafka timestamp
        _doc(4, [Reason.BAD_COUNTRY_CODE], "2024-05-02T00:00:00Z"),
        _doc(5, [Reason.BAD_CURRENCY_CODE], "2024-04-30T23:59:59Z"),  # outside the run's window
    ]
    for n, doc in enumerate(docs):
        es.index(index=index, id=f"raw-transactions-0-{n}", document=doc)
    es.indices.refresh(index=index)
    yield index
    es.indices.delete(index=index)


def test_invalid_counts_per_day_and_reason_replace_the_days(settings, invalid_index, tmp_path):
    database = tmp_path / "warehouse.duckdb"
    resources = {
        "warehouse": DuckDBWarehouse(duckdb=DuckDBResource(database=str(database))),
        "elasticsearch": ElasticsearchResource(url=settings.elasticsearch.url),
    }
    asset = build_staging_invalid_transactions("duckdb", invalid_index)
    tags = {"dagster/asset_partition_range_start": "2024-05-01", "dagster/asset_partition_range_end": "2024-05-02"}
    for _ in range(2):  # re-running the window changes nothing
        result = dg.materialize([asset], resources=resources, tags=tags)
        assert result.success
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute("SELECT event_date, reason, invalid_count FROM STAGING.INVALID_TRANSACTIONS "
                           "ORDER BY event_date, reason").fetchall()
    assert rows == [
        (date(2024, 5, 1), "amount_over_limit", 2),
        (date(2024, 5, 1), "bad_country_code", 1),
        (date(2024, 5, 1), "unparseable_timestamp", 1),
        (date(2024, 5, 2), "bad_country_code", 1),
    ]
    (materialization, *_) = result.asset_materializations_for_node("staging_invalid_transactions")
    assert materialization.metadata["invalid_documents"].value == 4
