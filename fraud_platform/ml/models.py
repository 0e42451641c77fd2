"""The two model kinds: XGBoost (supervised) and Isolation Forest (unsupervised baseline).

Both turn the sandbox feature columns into a score where higher means more suspicious.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest
from xgboost import XGBClassifier

from fraud_platform.lake.spark.features import FEATURE_COLUMNS
from fraud_platform.ml.params import IsolationForestParams, XGBoostParams


class MissingFeatures(ValueError):
    """The model was trained on feature columns that the sandbox rows do not have."""


def feature_matrix(frame: pd.DataFrame, columns: Sequence[str] = FEATURE_COLUMNS) -> pd.DataFrame:
    """The model input: the feature columns in their fixed order, as float64 (booleans become 0/1)."""
    if missing := [c for c in columns if c not in frame.columns]:
        raise MissingFeatures(f"the model needs feature columns the sandbox rows lack: {', '.join(missing)}; "
                              "rebuild sandbox_features for these days, or train a model on the current features")
    return frame[list(columns)].astype("float64")


def model_features(model: object) -> list[str]:
    """The columns a fitted model was trained on, in its order. A model registered before a
    feature was added keeps scoring with its own columns, so a new feature never breaks the
    champion; models fitted on a DataFrame (all of ours) carry the names, even when reloaded."""
    names = getattr(model, "feature_names_in_", None)
    return list(FEATURE_COLUMNS) if names is None else [str(name) for name in names]


def fit_xgboost(features: pd.DataFrame, labels: np.ndarray, params: XGBoostParams) -> XGBClassifier:
    # Two threads: results do not depend on the thread count, and the platform runs on small machines.
    model = XGBClassifier(**params.as_dict(), n_jobs=2, eval_metric="aucpr", tree_method="hist")
    return model.fit(features, np.asarray(labels, dtype=int))


def fit_isolation_forest(features: pd.DataFrame, params: IsolationForestParams) -> IsolationForest:
    return IsolationForest(**params.as_dict(), n_jobs=2).fit(features)


def score(model: XGBClassifier | IsolationForest, features: pd.DataFrame) -> np.ndarray:
    if isinstance(model, IsolationForest):
        # score_samples is high for normal points; anomalies are the suspicious ones.
        return -model.score_samples(features)
    return model.predict_proba(features)[:, 1]
