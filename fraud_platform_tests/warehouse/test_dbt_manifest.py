"""The dbt project parses (the install step's manifest preparation) and maps onto the graph."""

import json
import os
import subprocess
import sys
from pathlib import Path

from dagster_dbt import dbt_assets

from fraud_platform.defs.dbt.project import DBT_PROJECT_DIR
from fraud_platform.defs.dbt.translator import FraudDbtTranslator

MODELS = {
    "stg_transactions", "stg_invalid_transactions", "int_transactions_enriched", "fct_transactions",
    "dim_customer", "dim_merchant", "dim_date", "agg_fraud_daily", "agg_data_quality_daily",
    "agg_model_performance_daily",
}


def test_dbt_parse_into_a_temp_target_maps_sources_to_staging_assets(tmp_path):
    dbt = Path(sys.executable).with_name("dbt")
    subprocess.run(
        [str(dbt), "parse", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target", "duckdb", "--target-path", str(tmp_path), "--no-partial-parse"],
        check=True, capture_output=True, env={**os.environ, "FRAUD_DUCKDB_PATH": str(tmp_path / "w.duckdb")},
    )
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    assert set(models) == MODELS
    assert {n["schema"] for n in models.values()} == {"PRODUCTION"}  # custom schema used verbatim

    @dbt_assets(manifest=manifest, dagster_dbt_translator=FraudDbtTranslator())
    def models_from_fresh_manifest(): ...

    keys = {k.to_user_string() for k in models_from_fresh_manifest.keys}
    deps = {d.to_user_string() for d in models_from_fresh_manifest.dependency_keys}
    assert keys == MODELS
    assert {"staging_transactions", "staging_invalid_transactions", "fraud_scores"} <= deps
