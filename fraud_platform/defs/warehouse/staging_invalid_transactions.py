"""STAGING.INVALID_TRANSACTIONS: invalid records per day and reason, from Elasticsearch."""

import pyarrow as pa

import dagster as dg

from fraud_platform.defs.partitions import daily_partitions
from fraud_platform.defs.warehouse.resources import WarehouseResource
from fraud_platform.resources import ElasticsearchResource
from fraud_platform.warehouse.invalid_summary import invalid_summary_query, parse_invalid_summary
from fraud_platform.warehouse.partition_window import window_days
from fraud_platform.warehouse.tables import DATE_COLUMN, INVALID_COLUMNS, STAGING_INVALID_TRANSACTIONS

INVALID_SCHEMA = pa.schema([("event_date", pa.date32()), ("reason", pa.string()), ("invalid_count", pa.int64())])


def build_staging_invalid_transactions(warehouse_kind: str, invalid_index: str) -> dg.AssetsDefinition:
    # multi_asset with one spec: in 1.13 @asset flags backfill_policy as beta, multi_asset does not.
    @dg.multi_asset(
        name="staging_invalid_transactions",
        specs=[
            dg.AssetSpec(
                "staging_invalid_transactions",
                group_name="warehouse",
                kinds={warehouse_kind, "elasticsearch"},
                description=f"{STAGING_INVALID_TRANSACTIONS}: invalid records per day and reason code, aggregated "
                f"from the Elasticsearch index {invalid_index!r}; one DELETE + INSERT per day.",
            )
        ],
        partitions_def=daily_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool="warehouse",
    )
    def staging_invalid_transactions(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, elasticsearch: ElasticsearchResource
    ) -> dg.MaterializeResult:
        window = context.partition_time_window
        response = elasticsearch.client().search(
            index=invalid_index, ignore_unavailable=True, **invalid_summary_query(window.start, window.end)
        )
        summary = parse_invalid_summary(response.body)
        with warehouse.session() as session:
            session.ensure_staging_tables()
            for day in window_days(window.start, window.end):
                rows = [dict(zip(INVALID_COLUMNS, row)) for row in summary.rows if row[0] == day]
                session.replace_partition(
                    STAGING_INVALID_TRANSACTIONS, DATE_COLUMN, day,
                    pa.Table.from_pylist(rows, schema=INVALID_SCHEMA), INVALID_COLUMNS,
                )
        by_reason: dict[str, int] = {}
        for _, reason, count in summary.rows:
            by_reason[reason] = by_reason.get(reason, 0) + count
        return dg.MaterializeResult(
            metadata={
                "invalid_documents": sum(summary.documents_per_day.values()),
                "invalid_by_reason": dg.MetadataValue.json(by_reason),
                "dagster/row_count": len(summary.rows),
                "index": invalid_index,
            }
        )

    return staging_invalid_transactions
