"""dbt_project/models/staging/_sources.yml, derived from the contract (sources on STAGING).

Regenerate with `python dbt_project/scripts/generate_sources.py`; a test fails when the file
and the contract disagree. Each source maps to the Dagster asset that loads it
(meta.dagster.asset_key), so dbt models depend on the STAGING assets in the asset graph.
"""

from __future__ import annotations

from typing import Any

import yaml

from fraud_platform.contract import FIELDS, Field, Reason
from fraud_platform.lake.processed_columns import DERIVED_COLUMNS
from fraud_platform.warehouse.tables import STAGING_SCHEMA

HEADER = "# Generated from fraud_platform.contract by dbt_project/scripts/generate_sources.py; do not edit.\n"
REASON_CODES = [r.value for r in Reason]
NOT_NULL_DERIVED = ("event_date", "event_hour", "event_weekday", "is_night", "is_weekend", "is_cross_border")


def _accepted(table: str, column: str, values: list[Any], quote: bool = True) -> dict[str, Any]:
    arguments: dict[str, Any] = {"values": values}
    if not quote:
        arguments["quote"] = False
    # Named: dbt's default name lists every value, and it becomes the Dagster check name.
    return {"accepted_values": {"name": f"source_accepted_values_{table}_{column}", "arguments": arguments}}


def _contract_column(f: Field) -> dict[str, Any]:
    tests: list[Any] = []
    if f.not_null:
        tests.append("not_null")
    if f.name == "transaction_id":
        tests.append("unique")
    if f.values is not None:
        values = list(f.values)
        tests.append(_accepted("staging_transactions", f.name, values, quote=all(isinstance(v, str) for v in values)))
    column: dict[str, Any] = {"name": f.name, "description": f.description}
    if tests:
        column["data_tests"] = tests
    return column


def sources_document() -> dict[str, Any]:
    derived = [
        {"name": c.name, "description": c.description}
        | ({"data_tests": ["not_null"]} if c.name in NOT_NULL_DERIVED else {})
        for c in DERIVED_COLUMNS
    ]
    transactions = {
        "name": "transactions",
        "identifier": "TRANSACTIONS",
        "description": "Valid transactions of the processed lake stage, one DELETE + INSERT per day.",
        "config": {"meta": {"dagster": {"asset_key": ["staging_transactions"]}}},
        "columns": [_contract_column(f) for f in FIELDS] + derived,
    }
    invalid = {
        "name": "invalid_transactions",
        "identifier": "INVALID_TRANSACTIONS",
        "description": "Invalid records per day and reason code, summarised from Elasticsearch.",
        "config": {"meta": {"dagster": {"asset_key": ["staging_invalid_transactions"]}}},
        "columns": [
            {"name": "event_date", "description": "UTC day of the source Kafka timestamp.", "data_tests": ["not_null"]},
            {"name": "reason", "description": "Reason code of a failed contract rule.",
             "data_tests": ["not_null", _accepted("staging_invalid_transactions", "reason", REASON_CODES)]},
            {"name": "invalid_count", "description": "Invalid records failing that rule on that day.",
             "data_tests": ["not_null"]},
        ],
    }
    predictions = {
        "name": "fraud_predictions",
        "identifier": "FRAUD_PREDICTIONS",
        "description": "Daily scores of the champion model, written by the fraud_scores asset.",
        "config": {"meta": {"dagster": {"asset_key": ["fraud_scores"]}}},
        "columns": [
            {"name": "transaction_id", "description": "The scored transaction.", "data_tests": ["not_null"]},
            {"name": "event_date", "description": "UTC day of the transaction.", "data_tests": ["not_null"]},
            {"name": "score", "description": "Model score (fraud probability).", "data_tests": ["not_null"]},
            {"name": "flagged", "description": "score >= the model's operating threshold."},
            {"name": "model_version", "description": "Registered model version that scored it."},
        ],
    }
    return {
        "version": 2,
        "sources": [{
            "name": "staging",
            "schema": STAGING_SCHEMA,
            "description": "Warehouse STAGING tables loaded by the Dagster staging assets.",
            "tables": [transactions, invalid],
        }, {
            "name": "production",
            "schema": "PRODUCTION",
            "description": "PRODUCTION tables written outside dbt (model scores).",
            "tables": [predictions],
        }],
    }


def render_sources_yml() -> str:
    return HEADER + yaml.safe_dump(sources_document(), sort_keys=False, width=120, allow_unicode=True)
