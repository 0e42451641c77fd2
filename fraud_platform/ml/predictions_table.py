"""PRODUCTION.FRAUD_PREDICTIONS: one row per scored transaction, replaced a day at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

FRAUD_PREDICTIONS = "PRODUCTION.FRAUD_PREDICTIONS"
PREDICTION_COLUMNS = ("transaction_id", "event_date", "score", "flagged", "model_version")
PREDICTION_SCHEMA = pa.schema([
    ("transaction_id", pa.string()), ("event_date", pa.date32()), ("score", pa.float64()),
    ("flagged", pa.bool_()), ("model_version", pa.string()),
])
_TYPES = {
    "duckdb": ("VARCHAR", "DATE", "DOUBLE", "BOOLEAN", "VARCHAR"),
    "snowflake": ("VARCHAR(36)", "DATE", "FLOAT", "BOOLEAN", "VARCHAR(64)"),
}


def predictions_ddl(dialect: str) -> list[str]:
    if dialect not in _TYPES:
        raise ValueError(f"unknown warehouse dialect {dialect!r}; use one of {', '.join(_TYPES)}")
    columns = ",\n".join(f"    {name} {kind} NOT NULL" for name, kind in zip(PREDICTION_COLUMNS, _TYPES[dialect]))
    return ["CREATE SCHEMA IF NOT EXISTS PRODUCTION", f"CREATE TABLE IF NOT EXISTS {FRAUD_PREDICTIONS} (\n{columns}\n)"]


def predictions_table(day_features: pd.DataFrame, scores: np.ndarray, threshold: float, model_version: str | int) -> pa.Table:
    frame = pd.DataFrame({
        "transaction_id": day_features["transaction_id"].astype(str).to_numpy(),
        "event_date": pd.to_datetime(day_features["event_date"]).dt.date.to_numpy(),
        "score": np.asarray(scores, dtype="float64"),
        "flagged": np.asarray(scores) >= threshold,
        "model_version": str(model_version),
    })
    return pa.Table.from_pandas(frame, schema=PREDICTION_SCHEMA, preserve_index=False)
