"""The `mlflow` resource: where runs and registered models live (a small wrapper, not dagster-mlflow)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg

if TYPE_CHECKING:
    from fraud_platform.ml.registry import Tracking
from fraud_platform.settings import Settings


class MlflowResource(dg.ConfigurableResource):
    tracking_uri: str
    registered_model_name: str
    experiment_name: str = "fraud-model"
    # Local stores only: where artifacts go (a tracking server proxies them into its own store).
    artifact_location: str = ""

    def tracking(self) -> Tracking:
        from fraud_platform.ml.registry import Tracking  # mlflow is slow to import; only runs need it

        return Tracking(self.tracking_uri, self.experiment_name, self.artifact_location)


def build_mlflow_resource(settings: Settings) -> MlflowResource:
    uri = settings.mlflow_tracking_uri
    local = not uri.startswith(("http://", "https://", "databricks"))
    return MlflowResource(
        tracking_uri=uri, registered_model_name=settings.ml.registered_model_name,
        experiment_name=settings.ml.experiment_name,
        artifact_location=str(Path(settings.data_dir).resolve() / "mlflow" / "artifacts") if local else "",
    )
