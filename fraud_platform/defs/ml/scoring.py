"""fraud_scores: each day's transactions scored by models:/<name>@champion into
PRODUCTION.FRAUD_PREDICTIONS (DELETE + INSERT of the day through the warehouse resource).

The features are that day's sandbox features, computed by the same Spark function as the training
data. No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
"""

from datetime import date

import dagster as dg

from fraud_platform.defs.lake.assets import sandbox_features
from fraud_platform.defs.lake.resources import LakeResource
from fraud_platform.defs.ml.resources import MlflowResource
from fraud_platform.defs.ml.training import fraud_model
from fraud_platform.defs.partitions import daily_partitions
from fraud_platform.defs.warehouse.resources import WarehouseResource
from fraud_platform.ml.predictions_table import (
    FRAUD_PREDICTIONS, PREDICTION_COLUMNS, predictions_ddl, predictions_table,
)


def build_fraud_scores(warehouse_kind: str) -> dg.AssetsDefinition:
    @dg.asset(
        name="fraud_scores",
        partitions_def=daily_partitions,
        deps=[sandbox_features, fraud_model],
        group_name="ml",
        kinds={"xgboost", warehouse_kind},
        pool="warehouse",
        description=f"{FRAUD_PREDICTIONS}: the day's transactions scored by the @champion model "
                    "(score, flagged = score >= the version's threshold, model_version); one DELETE + INSERT per day.",
    )
    def fraud_scores(
        context: dg.AssetExecutionContext, lake: LakeResource, mlflow: MlflowResource, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        from fraud_platform.ml.registry import CHAMPION, NoModelForAlias, load_by_alias, version_threshold
        from fraud_platform.ml.sandbox_reader import SandboxDaysMissing, read_day
        from fraud_platform.ml.training import scores_for

        day = date.fromisoformat(context.partition_key)
        try:
            features = read_day(lake.storage(), day)
            version, model = load_by_alias(mlflow.tracking(), mlflow.registered_model_name, CHAMPION)
        except (SandboxDaysMissing, NoModelForAlias) as missing:
            raise dg.Failure(str(missing)) from missing
        threshold = version_threshold(version)
        table = predictions_table(features, scores_for(model, features), threshold, version.version)
        with warehouse.session() as session:
            for statement in predictions_ddl(session.dialect):
                session.execute(statement)
            rows = session.replace_partition(FRAUD_PREDICTIONS, "event_date", day, table, PREDICTION_COLUMNS)
        flagged = int(table["flagged"].to_numpy().sum())
        return dg.MaterializeResult(metadata={
            "dagster/row_count": rows, "flagged": flagged, "model_version": str(version.version),
            "threshold": threshold, "table": FRAUD_PREDICTIONS,
        })

    return fraud_scores
