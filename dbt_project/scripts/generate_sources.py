"""Write dbt_project/models/staging/_sources.yml from the contract.

Run from anywhere: .venv/bin/python dbt_project/scripts/generate_sources.py
"""

from pathlib import Path

from fraud_platform.warehouse.dbt_sources import render_sources_yml

TARGET = Path(__file__).resolve().parents[1] / "models" / "staging" / "_sources.yml"

if __name__ == "__main__":
    TARGET.write_text(render_sources_yml())
    print(f"wrote {TARGET}")
