"""Blocking Great Expectations checks on STAGING.TRANSACTIONS and the dbt fct_transactions.

Each day of the run's window is read from the warehouse into pandas and validated against
the contract-derived suite; a failing day fails the check at ERROR severity, which stops
every downstream asset in the same run.

The checks are not partitioned (no partitions_def): partitioned asset checks are a preview
feature in Dagster 1.13 ("not ready for production"). They run in partitioned runs all the
same and read the run's window; the metadata names the failing days.
"""

import dagster as dg

from fraud_platform.defs.warehouse.resources import WarehouseResource
from fraud_platform.warehouse.expectations import QualityBounds, transaction_expectations
from fraud_platform.warehouse.gx_validation import validate_frame
from fraud_platform.warehouse.partition_window import window_days
from fraud_platform.warehouse.tables import FCT_TRANSACTIONS, STAGING_TRANSACTIONS

CHECK_NAME = "contract_expectations"


def _build(asset: dg.AssetKey, table: str, bounds: QualityBounds) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset,
        name=CHECK_NAME,
        blocking=True,
        pool="warehouse",
        description=f"Great Expectations suite derived from the contract, run on each day of {table}: columns, "
        "not-null, value sets, lengths, ranges, unique ids, fraud-rate and median-amount bounds.",
    )
    def contract_expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        window = context.partition_time_window
        per_day = {}
        with warehouse.session() as session:
            for day in window_days(window.start, window.end):
                frame = session.fetch_df(f"SELECT * FROM {table} WHERE event_date = ?", [day])
                per_day[day.isoformat()] = (len(frame), validate_frame(frame, transaction_expectations(bounds), table))
        failing = {day: s for day, (_, s) in per_day.items() if not s.success}
        return dg.AssetCheckResult(
            passed=not failing,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "success": not failing,
                "rows": sum(rows for rows, _ in per_day.values()),
                "evaluated_expectations": sum(s.evaluated for _, s in per_day.values()),
                "failed_days": sorted(failing),
                "failed_expectations": dg.MetadataValue.json({day: s.failed for day, s in failing.items()}),
                "unexpected_counts": dg.MetadataValue.json({day: s.unexpected_counts for day, s in failing.items()}),
            },
        )

    return contract_expectations


def build_contract_expectation_checks(bounds: QualityBounds) -> list[dg.AssetChecksDefinition]:
    return [
        _build(dg.AssetKey("staging_transactions"), STAGING_TRANSACTIONS, bounds),
        _build(dg.AssetKey("fct_transactions"), FCT_TRANSACTIONS, bounds),
    ]
