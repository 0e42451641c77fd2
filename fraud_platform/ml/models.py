"""The two model kinds: XGBoost (supervised) and Isolation Forest (unsupervised baseline).

Both turn the sandbox feature columns into a score where higher means more suspicious.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest
from xgboost import XGBClassifier

from fraud_platform.lake.spark.features import FEATURE_COLUMNS
from fraud_platform.ml.params import IsolationForestParams, XGBoostParams


def feature_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """The model input: the feature columns in their fixed order, as float64 (booleans become 0/1)."""
    return frame[list(FEATURE_COLUMNS)].astype("float64")


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
