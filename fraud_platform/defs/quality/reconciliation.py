"""Nothing lost between the lake and the marts: landed = staged = modelled, per day.

Landed counts distinct transaction_ids in the day's raw JSON lines, because the processed
stage drops repeated ids; staged counts STAGING.TRANSACTIONS rows, modelled fct_transactions.
"""

import dagster as dg

from fraud_platform.defs.lake.resources import LakeResource
from fraud_platform.defs.warehouse.resources import WarehouseResource
from fraud_platform.warehouse.landed_counts import count_landed
from fraud_platform.warehouse.partition_window import window_days
from fraud_platform.warehouse.tables import FCT_TRANSACTIONS, STAGING_TRANSACTIONS


@dg.asset_check(
    asset=dg.AssetKey("fct_transactions"),
    name="reconciliation_landed_staged_modelled",
    additional_deps=[dg.AssetKey("staging_transactions")],
    blocking=True,
    pool="warehouse",
    description="Per day: distinct transaction_ids landed in the lake = rows in STAGING.TRANSACTIONS = rows in "
    "fct_transactions.",
)
def reconciliation_landed_staged_modelled(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, lake: LakeResource
) -> dg.AssetCheckResult:
    window = context.partition_time_window
    storage = lake.storage()
    per_day = {}
    with warehouse.session() as session:
        for day in window_days(window.start, window.end):
            landed = count_landed(storage, day)
            per_day[day.isoformat()] = {
                "landed_records": landed.records,
                "landed_distinct_ids": landed.distinct_transaction_ids,
                "staged": session.scalar(f"SELECT count(*) FROM {STAGING_TRANSACTIONS} WHERE event_date = ?", [day]),
                "modelled": session.scalar(f"SELECT count(*) FROM {FCT_TRANSACTIONS} WHERE event_date = ?", [day]),
            }
    mismatched = sorted(
        day for day, c in per_day.items() if not c["landed_distinct_ids"] == c["staged"] == c["modelled"]
    )
    return dg.AssetCheckResult(
        passed=not mismatched,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"mismatched_days": mismatched, "counts": dg.MetadataValue.json(per_day)},
    )
