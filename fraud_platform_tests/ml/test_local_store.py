"""The embedded profile's MLflow: a local SQLite store that two training steps may open at once,
and both model kinds logged and loaded back."""

from concurrent.futures import ProcessPoolExecutor

import mlflow
import numpy as np

from fraud_platform.ml.registry import Tracking, log_training_run
from fraud_platform.ml.sandbox_reader import normalise
from fraud_platform.ml.training import train_and_evaluate
from fraud_platform_tests.ml.conftest import WINDOWS


def _activate(uri: str) -> str:
    return Tracking(uri, "concurrent").activate()


def test_a_new_sqlite_store_opened_by_two_processes_at_once(tmp_path):
    uri = f"sqlite:///{tmp_path}/mlflow/mlflow.db"
    with ProcessPoolExecutor(2) as pool:
        ids = list(pool.map(_activate, [uri, uri]))
    assert ids[0] == ids[1]


def test_both_model_kinds_are_logged_and_load_back(tmp_path, sandbox):
    tracking = Tracking(f"sqlite:///{tmp_path}/mlflow.db", "kinds", str(tmp_path / "artifacts"))
    for kind in ("xgboost", "isolation_forest"):
        outcome = train_and_evaluate(normalise(sandbox), WINDOWS, kind, alert_budget=20, card_precision_k=10)
        _run_id, model_uri = log_training_run(tracking, outcome, explain=False)
        loaded = mlflow.pyfunc.load_model(model_uri)
        predictions = np.asarray(loaded.predict(outcome.train_features.head(50)))
        assert len(predictions) == 50
