"""Training on demand: an XGBoost candidate registered as @challenger, and an Isolation Forest
baseline, both under the time-based protocol on the sandbox features already in the lake.

Unpartitioned assets that depend on every sandbox_features day (AllPartitionMapping): a model is
trained when someone asks for it, on the days its config names — the test window ends on
`test_end`, by default the latest day with sandbox features.
No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
The model libraries (mlflow, xgboost, shap) are imported in the asset bodies: loading the code
location stays fast.
"""

import dagster as dg

from fraud_platform.defs.lake.assets import sandbox_features
from fraud_platform.defs.lake.resources import LakeResource
from fraud_platform.defs.ml.resources import MlflowResource
from fraud_platform.defs.ml.training_config import TrainingConfig

ON_EVERY_SANDBOX_DAY = [dg.AssetDep(sandbox_features, partition_mapping=dg.AllPartitionMapping())]


def _train(config: TrainingConfig, lake: LakeResource, kind: str):
    from fraud_platform.ml.sandbox_reader import SandboxDaysMissing, available_days, read_days
    from fraud_platform.ml.training import train_and_evaluate

    storage = lake.storage()
    days = available_days(storage)
    if not days:
        raise dg.Failure(f"no sandbox features under {lake.root}; materialize sandbox_features first")
    windows = config.windows(days[-1])
    try:
        frame = read_days(storage, windows.days())
    except SandboxDaysMissing as missing:
        raise dg.Failure(f"{missing} (protocol windows {windows.as_params()})") from missing
    params = config.xgboost_params() if kind == "xgboost" else config.isolation_forest_params()
    try:
        return train_and_evaluate(frame, windows, kind, params=params, alert_budget=config.alert_budget,
                                  card_precision_k=config.card_precision_k)
    except ValueError as unusable:
        raise dg.Failure(str(unusable)) from unusable


def _metadata(outcome, run_id: str) -> dict:
    return {
        **{f"test_{k}": dg.MetadataValue.float(float(v)) for k, v in outcome.metrics.items()},
        "threshold": dg.MetadataValue.float(outcome.threshold),
        "windows": dg.MetadataValue.json(outcome.windows.as_params()),
        "data": dg.MetadataValue.json(outcome.data),
        "mlflow_run_id": run_id,
    }


@dg.asset(
    deps=ON_EVERY_SANDBOX_DAY,
    group_name="ml",
    kinds={"xgboost", "mlflow"},
    description="XGBoost fraud model trained on demand (validation | train | delay | test windows of sandbox "
                "features), logged to MLflow with metrics, SHAP and data windows, registered as a new version "
                "with alias @challenger. The blocking check fraud_model_promotion decides @champion.",
)
def fraud_model(
    context: dg.AssetExecutionContext, config: TrainingConfig, lake: LakeResource, mlflow: MlflowResource
) -> dg.MaterializeResult:
    from fraud_platform.ml.registry import log_training_run, register_challenger

    outcome = _train(config, lake, "xgboost")
    tracking = mlflow.tracking()
    run_id, model_uri = log_training_run(tracking, outcome)
    version = register_challenger(tracking, mlflow.registered_model_name, model_uri, run_id, outcome.threshold)
    context.log.info(f"{mlflow.registered_model_name} v{version.version} is @challenger: {outcome.metrics}")
    return dg.MaterializeResult(metadata={
        **_metadata(outcome, run_id),
        "registered_model": mlflow.registered_model_name, "model_version": str(version.version),
    })


@dg.asset(
    deps=ON_EVERY_SANDBOX_DAY,
    group_name="ml",
    kinds={"scikitlearn", "mlflow"},
    description="Isolation Forest (unsupervised) baseline on the same windows as fraud_model, logged to MLflow "
                "for comparison; not registered.",
)
def fraud_model_isolation_forest(
    context: dg.AssetExecutionContext, config: TrainingConfig, lake: LakeResource, mlflow: MlflowResource
) -> dg.MaterializeResult:
    from fraud_platform.ml.registry import log_training_run

    outcome = _train(config, lake, "isolation_forest")
    # TreeExplainer on an Isolation Forest explains path lengths, not fraud: not worth the time here.
    run_id, _ = log_training_run(mlflow.tracking(), outcome, explain=False)
    context.log.info(f"Isolation Forest baseline: {outcome.metrics}")
    return dg.MaterializeResult(metadata=_metadata(outcome, run_id))
