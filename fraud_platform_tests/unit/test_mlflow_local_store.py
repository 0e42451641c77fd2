"""The embedded profile's MLflow: a local SQLite store, no server."""

from __future__ import annotations

from fraud_platform.settings import Settings
from fraud_platform.stack.smoke import mlflow_round_trip


def test_embedded_mlflow_round_trip(tmp_path):
    settings = Settings.from_env({"FRAUD_DATA_DIR": str(tmp_path)})
    assert settings.mlflow_tracking_uri == f"sqlite:///{tmp_path.resolve()}/mlflow/mlflow.db"
    assert "artifact read back" in mlflow_round_trip(settings)
    assert (tmp_path / "mlflow" / "mlflow.db").exists()
