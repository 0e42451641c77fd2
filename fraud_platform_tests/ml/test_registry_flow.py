"""The alias flow against the real MLflow server (Postgres backend, artifacts in the S3 server):
train -> register @challenger -> gated promotion by the blocking check -> load by @champion."""

import uuid

import dagster as dg
import pytest

from fraud_platform.defs.lake.resources import LakeResource
from fraud_platform.defs.ml.promotion_check import build_promotion_check
from fraud_platform.defs.ml.resources import MlflowResource
from fraud_platform.defs.ml.training import fraud_model
from fraud_platform.ml.registry import CHALLENGER, CHAMPION, load_by_alias, version_by_alias
from fraud_platform_tests.ml.conftest import WINDOW_DAYS, WINDOWS

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("services_stack")]


def train(resources, check, **model) -> dg.ExecuteInProcessResult:
    config = {"test_end": WINDOWS.test_end.isoformat(), **WINDOW_DAYS, "alert_budget": 20, "card_precision_k": 10,
              **model}
    return dg.materialize([fraud_model, check], resources=resources, raise_on_error=False,
                          run_config={"ops": {"fraud_model": {"config": config}}})


def check_result(result: dg.ExecuteInProcessResult) -> dg.AssetCheckEvaluation:
    [evaluation] = result.get_asset_check_evaluations()
    return evaluation


def test_gated_promotion_on_the_tracking_server(settings, lake_root):
    name = f"fraud-test-{uuid.uuid4().hex[:10]}"
    mlflow = MlflowResource(tracking_uri=settings.mlflow_tracking_uri, registered_model_name=name,
                            experiment_name="fraud-model-tests")
    resources = {"lake": LakeResource(root=str(lake_root)), "mlflow": mlflow}
    client = mlflow.tracking().client()

    # A first model below the minimum AP is not promoted: nothing to score with yet.
    first = train(resources, build_promotion_check(min_average_precision=0.999))
    assert not check_result(first).passed
    assert version_by_alias(client, name, CHAMPION) is None
    assert str(version_by_alias(client, name, CHALLENGER).version) == "1"

    # Against a reachable minimum the next model becomes the first champion; @challenger is freed.
    gate = build_promotion_check(min_average_precision=0.3)
    second = train(resources, gate)
    assert check_result(second).passed
    assert str(version_by_alias(client, name, CHAMPION).version) == "2"
    assert version_by_alias(client, name, CHALLENGER) is None

    # A far weaker challenger (one stump) loses to the champion on the same test window.
    weak = train(resources, gate, n_estimators=1, max_depth=1)
    evaluation = check_result(weak)
    assert not evaluation.passed
    metadata = {k: v.value for k, v in evaluation.metadata.items()}
    assert metadata["challenger_average_precision"] < metadata["champion_average_precision"]
    assert str(version_by_alias(client, name, CHAMPION).version) == "2"
    assert str(version_by_alias(client, name, CHALLENGER).version) == "3"

    version, model = load_by_alias(mlflow.tracking(), name, CHAMPION)
    assert str(version.version) == "2" and hasattr(model, "predict_proba")
    # The artifacts went through the server into the S3 bucket, not to a local path.
    assert client.get_run(version.run_id).info.artifact_uri.startswith("mlflow-artifacts:")
