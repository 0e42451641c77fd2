"""MLflow tracking and registry helpers: log a training run, register its model as the challenger,
promote by alias, load by alias. Aliases `champion` / `challenger`, never the deprecated stages."""

from __future__ import annotations

import fcntl
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import mlflow
from mlflow import MlflowClient
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException
from mlflow.models import infer_signature

from fraud_platform.ml.training import TrainingOutcome

CHAMPION = "champion"
CHALLENGER = "challenger"
THRESHOLD_TAG = "threshold"
WINDOW_PARAM_PREFIX = "window."
SKLEARN_TRUSTED_TYPES = ["sklearn.tree._tree.Tree"]


@dataclass(frozen=True)
class Tracking:
    """Where runs and models go. `artifact_location` matters for local stores only (a server
    proxies artifacts into its own store)."""

    tracking_uri: str
    experiment_name: str
    artifact_location: str = ""

    def client(self) -> MlflowClient:
        return MlflowClient(tracking_uri=self.tracking_uri, registry_uri=self.tracking_uri)

    def activate(self) -> str:
        """Point MLflow's fluent API at this store; returns the experiment id."""
        mlflow.set_tracking_uri(self.tracking_uri)
        mlflow.set_registry_uri(self.tracking_uri)
        if not self.tracking_uri.startswith("sqlite:///"):
            return self._experiment_id()
        database = Path(self.tracking_uri.removeprefix("sqlite:///"))
        database.parent.mkdir(parents=True, exist_ok=True)
        # Two training steps start together (the multiprocess executor): the first use of a new
        # SQLite store creates and migrates its tables, which must happen once, not twice at once.
        with open(database.with_name(database.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return self._experiment_id()

    def _experiment_id(self) -> str:
        client = self.client()
        experiment = client.get_experiment_by_name(self.experiment_name)
        if experiment is not None:
            return experiment.experiment_id
        try:
            return client.create_experiment(self.experiment_name, artifact_location=self.artifact_location or None)
        except MlflowException as error:  # created meanwhile by a concurrent run
            if error.error_code != "RESOURCE_ALREADY_EXISTS":
                raise
            return client.get_experiment_by_name(self.experiment_name).experiment_id


def log_training_run(tracking: Tracking, outcome: TrainingOutcome, *, explain: bool = True) -> tuple[str, str]:
    """One MLflow run: params, data windows, metrics, mean |SHAP| and its plot, and the model with a
    signature and an input example. Returns (run id, model URI)."""
    experiment_id = tracking.activate()
    example = outcome.train_features.head(5)
    scorer = outcome.model.predict_proba if outcome.kind == "xgboost" else outcome.model.score_samples
    signature = infer_signature(example, scorer(example))
    with mlflow.start_run(experiment_id=experiment_id, run_name=f"{outcome.kind}-{outcome.windows.test_end}") as run:
        mlflow.set_tags({"model_kind": outcome.kind, "protocol": "validation | train | delay | test"})
        mlflow.log_params({**{f"model.{k}": v for k, v in outcome.params.items()},
                           **{f"{WINDOW_PARAM_PREFIX}{k}": v for k, v in outcome.windows.as_params().items()}})
        mlflow.log_metrics({f"test_{k}": float(v) for k, v in outcome.metrics.items()})
        mlflow.log_metrics({"threshold": outcome.threshold, **{f"data_{k}": float(v) for k, v in outcome.data.items()}})
        if explain:
            _log_shap(outcome)
        logged = {"name": "model", "signature": signature, "input_example": example,
                  "pip_requirements": _pip_requirements()}
        if outcome.kind == "xgboost":
            info = mlflow.xgboost.log_model(outcome.model, **logged)
        else:
            # skops (MLflow's safe default) refuses unlisted types on load; a tree ensemble is
            # made of sklearn's own Tree objects.
            info = mlflow.sklearn.log_model(outcome.model, skops_trusted_types=SKLEARN_TRUSTED_TYPES, **logged)
    return run.info.run_id, info.model_uri


def _pip_requirements() -> list[str]:
    """The serving environment, stated: MLflow would otherwise infer it in a slow subprocess."""
    from importlib.metadata import version

    return [f"{p}=={version(p)}" for p in ("mlflow", "xgboost", "scikit-learn", "pandas", "numpy")]


def _log_shap(outcome: TrainingOutcome) -> None:
    from fraud_platform.ml.explain import mean_abs_shap, shap_values, summary_plot  # shap is slow to import

    values, sample = shap_values(outcome.model, outcome.train_features)
    means = mean_abs_shap(values, list(sample.columns))
    mlflow.log_metrics({f"shap_mean_abs.{name}": value for name, value in means.items()})
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "shap_mean_abs.json").write_text(json.dumps(means, indent=2))
        summary_plot(values, sample, Path(tmp) / "shap_summary.png")
        mlflow.log_artifacts(tmp, artifact_path="explanations")


def register_challenger(tracking: Tracking, name: str, model_uri: str, run_id: str, threshold: float) -> ModelVersion:
    """A new version of `name` from the run's model, tagged with its threshold, aliased challenger."""
    tracking.activate()
    version = mlflow.register_model(model_uri, name, tags={THRESHOLD_TAG: repr(threshold), "run_id": run_id})
    tracking.client().set_registered_model_alias(name, CHALLENGER, version.version)
    return tracking.client().get_model_version(name, version.version)


def version_by_alias(client: MlflowClient, name: str, alias: str) -> ModelVersion | None:
    try:
        return client.get_model_version_by_alias(name, alias)
    except MlflowException as error:
        if error.error_code in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
            return None
        raise


def promote(client: MlflowClient, name: str, version: str) -> None:
    """The version becomes champion; the challenger alias is freed for the next candidate."""
    client.set_registered_model_alias(name, CHAMPION, version)
    current = version_by_alias(client, name, CHALLENGER)
    if current is not None and str(current.version) == str(version):
        client.delete_registered_model_alias(name, CHALLENGER)


def version_windows(client: MlflowClient, version: ModelVersion):
    from fraud_platform.ml.protocol import ProtocolWindows

    params = client.get_run(version.run_id).data.params
    return ProtocolWindows.from_params({k.removeprefix(WINDOW_PARAM_PREFIX): v for k, v in params.items()
                                        if k.startswith(WINDOW_PARAM_PREFIX)})


def load_version(tracking: Tracking, name: str, version: str) -> object:
    """The registered model as its own flavour (XGBClassifier), so scores are predict_proba's."""
    tracking.activate()
    return mlflow.xgboost.load_model(f"models:/{name}/{version}")


def version_threshold(version: ModelVersion) -> float:
    return float(version.tags[THRESHOLD_TAG])


class NoModelForAlias(LookupError):
    """The registered model has no version under the alias (e.g. no champion promoted yet)."""


def load_by_alias(tracking: Tracking, name: str, alias: str) -> tuple[ModelVersion, object]:
    """Resolve the alias once, then load that version: the model and the version reported with its
    scores cannot disagree even if the alias moves meanwhile."""
    version = version_by_alias(tracking.client(), name, alias)
    if version is None:
        raise NoModelForAlias(f"registered model {name!r} has no @{alias} version in {tracking.tracking_uri}")
    return version, load_version(tracking, name, version.version)
