"""fraud_scores reproduces the training-time predictions of the registered @champion, through the
embedded profile's parts (local MLflow store, local lake, DuckDB warehouse)."""

import dagster as dg
import duckdb
import numpy as np
import pandas as pd
from dagster_duckdb import DuckDBResource

from fraud_platform.defs.lake.resources import LakeResource
from fraud_platform.defs.ml.resources import MlflowResource
from fraud_platform.defs.ml.scoring import build_fraud_scores
from fraud_platform.defs.warehouse.resources import DuckDBWarehouse
from fraud_platform.ml.registry import CHALLENGER, CHAMPION, Tracking, log_training_run, promote, register_challenger
from fraud_platform.ml.sandbox_reader import normalise
from fraud_platform.ml.training import train_and_evaluate
from fraud_platform_tests.ml.conftest import WINDOWS


def test_scores_in_the_warehouse_equal_the_training_time_predictions(tmp_path, sandbox, lake_root):
    tracking = Tracking(f"sqlite:///{tmp_path}/mlflow.db", "scoring-test", str(tmp_path / "artifacts"))
    outcome = train_and_evaluate(normalise(sandbox), WINDOWS, "xgboost", alert_budget=20, card_precision_k=10)
    assert outcome.metrics["average_precision"] > 0.3  # the synthetic signal is learnt
    run_id, model_uri = log_training_run(tracking, outcome)
    version = register_challenger(tracking, "scoring-test", model_uri, run_id, outcome.threshold)
    client = tracking.client()
    assert client.get_model_version_by_alias("scoring-test", CHALLENGER).version == version.version
    promote(client, "scoring-test", version.version)
    assert client.get_model_version_by_alias("scoring-test", CHAMPION).version == version.version

    artifacts = {a.path for a in client.list_artifacts(run_id, "explanations")}
    assert artifacts == {"explanations/shap_mean_abs.json", "explanations/shap_summary.png"}
    assert client.get_run(run_id).data.params["window.test_start"] == WINDOWS.test_start.isoformat()

    database = str(tmp_path / "warehouse.duckdb")
    day = WINDOWS.test_end
    resources = {
        "lake": LakeResource(root=str(lake_root)),
        "mlflow": MlflowResource(tracking_uri=tracking.tracking_uri, registered_model_name="scoring-test",
                                 experiment_name="scoring-test", artifact_location=tracking.artifact_location),
        "warehouse": DuckDBWarehouse(duckdb=DuckDBResource(database=database)),
    }
    for _ in range(2):  # a re-run replaces the day instead of adding to it
        result = dg.materialize([build_fraud_scores("duckdb")], partition_key=day.isoformat(), resources=resources)
        assert result.success

    with duckdb.connect(database, read_only=True) as connection:
        stored = connection.execute("select * from PRODUCTION.FRAUD_PREDICTIONS").df()
    assert len(stored) == int((sandbox["event_date"] == day).sum())
    assert set(stored.model_version) == {str(version.version)}
    assert (stored.flagged == (stored.score >= outcome.threshold)).all()
    training_time = outcome.test_predictions[outcome.test_predictions.event_date == pd.Timestamp(day)]
    both = training_time.merge(stored, on="transaction_id", suffixes=("_training", "_scoring"))
    assert len(both) == len(training_time) > 0
    np.testing.assert_allclose(both.score_scoring, both.score_training, rtol=0, atol=1e-7)
