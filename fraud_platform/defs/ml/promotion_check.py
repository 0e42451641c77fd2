"""The gate between @challenger and @champion, as a blocking check on fraud_model.

Both models are scored on the challenger's test window (read again from the lake, known-compromised
cards removed as in training), so the comparison is like for like; a failed gate blocks the
downstream scoring in the same run. No `from __future__ import annotations` (Dagster inspects the
context annotation at runtime).
"""

from decimal import Decimal

import dagster as dg

from fraud_platform.defs.lake.resources import LakeResource
from fraud_platform.defs.ml.resources import MlflowResource
from fraud_platform.defs.ml.training import fraud_model
from fraud_platform.ml.promotion import decide_promotion
from fraud_platform.settings import Settings


def build_promotion_check(min_average_precision: float) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=fraud_model,
        name="fraud_model_promotion",
        blocking=True,
        description="Promotes @challenger to @champion when its average precision on its own test window is at "
                    f"least the champion's on the same rows; the first champion needs AP >= {min_average_precision}.",
    )
    def fraud_model_promotion(
        context: dg.AssetCheckExecutionContext, lake: LakeResource, mlflow: MlflowResource
    ) -> dg.AssetCheckResult:
        from fraud_platform.ml.metrics import ranking_metrics
        from fraud_platform.ml.registry import CHALLENGER, CHAMPION, load_version, promote, version_by_alias, version_windows
        from fraud_platform.ml.sandbox_reader import read_days
        from fraud_platform.ml.training import scores_for, test_frame

        tracking, name = mlflow.tracking(), mlflow.registered_model_name
        client = tracking.client()
        challenger = version_by_alias(client, name, CHALLENGER)
        champion = version_by_alias(client, name, CHAMPION)
        if challenger is None:
            return dg.AssetCheckResult(passed=True, metadata={
                "decision": "no pending @challenger", "champion_version": str(champion.version) if champion else "none"})
        windows = version_windows(client, challenger)
        champion_ap = None
        if champion is None:
            challenger_ap = client.get_run(challenger.run_id).data.metrics["test_average_precision"]
        else:
            test = test_frame(read_days(lake.storage(), windows.days()), windows)
            labels = test["is_fraud"].to_numpy()
            challenger_ap, champion_ap = (
                ranking_metrics(labels, scores_for(load_version(tracking, name, v.version), test))["average_precision"]
                for v in (challenger, champion)
            )
        decision = decide_promotion(challenger_ap, champion_ap, min_average_precision)
        if decision.promote:
            promote(client, name, challenger.version)
        context.log.info(decision.reason)
        return dg.AssetCheckResult(
            passed=decision.promote,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "decision": decision.reason,
                "challenger_version": str(challenger.version),
                "challenger_average_precision": float(challenger_ap),
                "champion_version": str(champion.version) if champion else "none",
                **({} if champion_ap is None else {"champion_average_precision": float(champion_ap)}),
                "test_window": f"{windows.test_start} .. {windows.test_end}",
            },
        )

    return fraud_model_promotion


def promotion_check() -> dg.AssetChecksDefinition:
    return build_promotion_check(float(Decimal(Settings.from_env().ml.min_average_precision)))
