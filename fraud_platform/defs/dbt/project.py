"""The dbt project handle. The manifest is prepared at install/CI time, never parsed at import:

    .venv/bin/dagster-dbt project prepare-and-package --file fraud_platform/defs/dbt/project.py

Under `dagster dev` (only there), prepare_if_dev() re-parses so model edits show up.
The manifest records the adapter of FRAUD_WAREHOUSE's target; prepare it with the same value.
"""

from pathlib import Path

from dagster_dbt import DbtProject

from fraud_platform.settings import Settings

DBT_PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"

fraud_dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target=Settings.from_env().warehouse.kind,
)
fraud_dbt_project.prepare_if_dev()
