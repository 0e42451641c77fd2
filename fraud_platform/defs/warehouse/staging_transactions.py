"""STAGING.TRANSACTIONS: each day of processed Parquet, replaced as a whole (DELETE + INSERT)."""

import dagster as dg

from fraud_platform.defs.lake.resources import LakeResource
from fraud_platform.defs.partitions import daily_partitions
from fraud_platform.defs.warehouse.resources import WarehouseResource
from fraud_platform.warehouse.partition_window import window_days
from fraud_platform.warehouse.staging_load import ProcessedDayMissing, load_processed_day
from fraud_platform.warehouse.tables import STAGING_TRANSACTIONS

DAY_TOTALS = f"""
    SELECT count(*), coalesce(sum(CASE WHEN is_fraud THEN 1 ELSE 0 END), 0)
    FROM {STAGING_TRANSACTIONS} WHERE event_date >= ? AND event_date < ?
"""


def build_staging_transactions(warehouse_kind: str) -> dg.AssetsDefinition:
    # multi_asset with one spec: in 1.13 @asset flags backfill_policy as beta, multi_asset does not.
    @dg.multi_asset(
        name="staging_transactions",
        specs=[
            dg.AssetSpec(
                "staging_transactions",
                deps=["processed_transactions"],
                group_name="warehouse",
                kinds={warehouse_kind},
                description=f"{STAGING_TRANSACTIONS}: the processed lake stage, one DELETE + INSERT per day.",
            )
        ],
        partitions_def=daily_partitions,
        # A backfill is one run over its whole range, like the dbt models downstream.
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool="warehouse",
    )
    def staging_transactions(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, lake: LakeResource
    ) -> dg.MaterializeResult:
        window = context.partition_time_window
        storage = lake.storage()
        loaded: dict[str, int] = {}
        with warehouse.session() as session:
            session.ensure_staging_tables()
            for day in window_days(window.start, window.end):
                try:
                    loaded[day.isoformat()] = load_processed_day(session, storage, day)
                except ProcessedDayMissing as missing:
                    raise dg.Failure(str(missing)) from missing
            rows, fraud_rows = session.fetch(DAY_TOTALS, [window.start.date(), window.end.date()])[0]
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": int(rows),
                "fraud_rows": int(fraud_rows),
                "rows_per_day": dg.MetadataValue.json(loaded),
                "table": STAGING_TRANSACTIONS,
            }
        )

    return staging_transactions
