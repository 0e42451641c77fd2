"""The dbt model agg_model_performance_daily, run on DuckDB, agrees with scikit-learn."""

import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from fraud_platform.ml.metrics import ranking_metrics, threshold_metrics

MODEL = Path(__file__).resolve().parents[2] / "dbt_project/models/marts/agg_model_performance_daily.sql"


def compiled(sql: str) -> str:
    """What dbt would run for the window [2024-01-01, 2024-01-03), with plain table names."""
    sql = re.sub(r"\{\{\s*config\(.*?\)\s*\}\}", "", sql, flags=re.S)
    sql = sql.replace("{{ source('production', 'fraud_predictions') }}", "predictions")
    sql = sql.replace("{{ ref('fct_transactions') }}", "transactions")
    return sql.replace("{{ in_partition_window('p.event_date') }}",
                       "p.event_date >= date '2024-01-01' and p.event_date < date '2024-01-03'")


def test_daily_metrics_match_scikit_learn():
    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame({
        "transaction_id": [f"t{i}" for i in range(n)],
        "event_date": pd.to_datetime(np.where(np.arange(n) < 250, "2024-01-01", "2024-01-02")).date,
        "is_fraud": rng.random(n) < 0.1,
    })
    # Rounded scores: many ties, which the average-rank AUC must handle like scikit-learn.
    frame["score"] = np.round(np.clip(rng.normal(0.3, 0.2, n) + 0.3 * frame.is_fraud, 0, 1), 1)
    frame["flagged"] = frame.score >= 0.6
    frame["model_version"] = "7"
    with duckdb.connect() as db:
        db.register("p_df", frame)
        db.execute("create table predictions as select transaction_id, event_date, score, flagged, model_version "
                   "from p_df")
        db.execute("create table transactions as select transaction_id, is_fraud from p_df")
        got = db.execute(compiled(MODEL.read_text()) + " order by event_date").df()
    assert len(got) == 2
    for row, (_, day) in zip(got.itertuples(), frame.groupby("event_date")):
        ranking = ranking_metrics(day.is_fraud.to_numpy(), day.score.to_numpy())
        at_threshold = threshold_metrics(day.is_fraud.to_numpy(), day.score.to_numpy(), 0.6)
        assert row.roc_auc == pytest.approx(ranking["roc_auc"])
        assert row.precision_at_threshold == pytest.approx(at_threshold["precision"])
        assert row.recall_at_threshold == pytest.approx(at_threshold["recall"])
        assert row.f1_at_threshold == pytest.approx(at_threshold["f1"])
        assert row.labelled_count == len(day)
