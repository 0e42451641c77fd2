"""dbt sources agree with the contract: the committed file is the generated one, and the
generated document states every contract rule dbt can test."""

from pathlib import Path

import yaml

from fraud_platform.contract import FIELDS, Reason
from fraud_platform.lake.processed_columns import PROCESSED_COLUMN_NAMES
from fraud_platform.warehouse.dbt_sources import render_sources_yml

SOURCES = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "staging" / "_sources.yml"


def _tables() -> dict:
    document = yaml.safe_load(SOURCES.read_text())
    (source,) = [s for s in document["sources"] if s["name"] == "staging"]
    assert source["schema"] == "STAGING"
    return {t["name"]: t for t in source["tables"]}


def _tests_by_column(table: dict) -> dict[str, list]:
    return {c["name"]: c.get("data_tests", []) for c in table["columns"]}


def test_committed_sources_are_generated_from_the_contract():
    assert SOURCES.read_text() == render_sources_yml(), "regenerate: python dbt_project/scripts/generate_sources.py"


def test_transactions_source_states_the_contract():
    table = _tables()["transactions"]
    assert table["config"]["meta"]["dagster"]["asset_key"] == ["staging_transactions"]
    tests = _tests_by_column(table)
    assert tuple(tests) == PROCESSED_COLUMN_NAMES
    for f in FIELDS:
        assert ("not_null" in tests[f.name]) == f.not_null, f.name
        accepted = [t["accepted_values"]["arguments"]["values"] for t in tests[f.name] if isinstance(t, dict)]
        assert accepted == ([list(f.values)] if f.values is not None else []), f.name
    assert "unique" in tests["transaction_id"]


def test_invalid_source_accepts_exactly_the_reason_codes():
    table = _tables()["invalid_transactions"]
    assert table["config"]["meta"]["dagster"]["asset_key"] == ["staging_invalid_transactions"]
    (accepted,) = [t for t in _tests_by_column(table)["reason"] if isinstance(t, dict)]
    assert accepted["accepted_values"]["arguments"]["values"] == [r.value for r in Reason]
