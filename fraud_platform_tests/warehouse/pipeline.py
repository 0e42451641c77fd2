"""Materialize the warehouse half of the graph in-process against a temp DuckDB file and lake."""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from fraud_platform.defs.dbt.assets import fraud_dbt_models
from fraud_platform.defs.dbt.project import fraud_dbt_project
from fraud_platform.defs.lake.resources import LakeResource
from fraud_platform.defs.quality.contract_expectations import build_contract_expectation_checks
from fraud_platform.defs.quality.reconciliation import reconciliation_landed_staged_modelled
from fraud_platform.defs.warehouse.resources import DuckDBWarehouse
from fraud_platform.defs.warehouse.staging_transactions import build_staging_transactions
from fraud_platform.warehouse.expectations import QualityBounds

ASSETS = [build_staging_transactions("duckdb"), fraud_dbt_models]
CHECKS = [*build_contract_expectation_checks(QualityBounds()), reconciliation_landed_staged_modelled]


def resources(database: Path, lake_root: Path) -> dict:
    return {
        "warehouse": DuckDBWarehouse(duckdb=DuckDBResource(database=str(database))),
        "lake": LakeResource(root=str(lake_root)),
        "dbt": DbtCliResource(
            project_dir=fraud_dbt_project, target="duckdb", dbt_executable=str(Path(sys.executable).with_name("dbt"))
        ),
    }


def materialize(database: Path, lake_root: Path, *, day: str | None = None, days: tuple[str, str] | None = None):
    """One run over a day, or over an inclusive range of days (a single-run backfill)."""
    tags = {}
    if days is not None:
        tags = {"dagster/asset_partition_range_start": days[0], "dagster/asset_partition_range_end": days[1]}
    return dg.materialize(
        [*ASSETS, *CHECKS], resources=resources(database, lake_root), partition_key=day, tags=tags,
        raise_on_error=False,
    )
