import dagster as dg

from fraud_platform.settings import Settings


def defs() -> dg.Definitions:
    from fraud_platform.defs.ml.promotion_check import promotion_check
    from fraud_platform.defs.ml.scoring import build_fraud_scores
    from fraud_platform.defs.ml.training import fraud_model, fraud_model_isolation_forest

    return dg.Definitions(
        assets=[fraud_model, fraud_model_isolation_forest, build_fraud_scores(Settings.from_env().warehouse.kind)],
        asset_checks=[promotion_check()],
    )
