"""dbt models (stg_ -> int_ -> PRODUCTION marts) as daily-partitioned assets.

A run builds its partition window, passed as vars min_date (inclusive) and max_date (exclusive);
a backfill is one run over its whole range (single_run), which also avoids parallel first
builds of the incremental models racing each other.
"""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from fraud_platform.defs.dbt.project import fraud_dbt_project
from fraud_platform.defs.dbt.translator import FraudDbtTranslator
from fraud_platform.defs.partitions import daily_partitions
from fraud_platform.warehouse.partition_window import dbt_build_args


@dbt_assets(
    manifest=fraud_dbt_project.manifest_path,
    project=fraud_dbt_project,
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=FraudDbtTranslator(),
    pool="warehouse",
)
def fraud_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    window = context.partition_time_window
    # No fetch_row_counts(): it would open the DuckDB file from this process while dbt holds it.
    yield from dbt.cli(dbt_build_args(window.start, window.end), context=context).stream()
