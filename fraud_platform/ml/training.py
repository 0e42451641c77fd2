"""Fit one model under the time-based protocol, choose its threshold and evaluate it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fraud_platform.ml.metrics import evaluate
from fraud_platform.ml.models import feature_matrix, fit_isolation_forest, fit_xgboost, model_features, score
from fraud_platform.ml.params import IsolationForestParams, XGBoostParams
from fraud_platform.ml.protocol import ProtocolSplit, ProtocolWindows, split
from fraud_platform.ml.threshold import alert_budget_threshold

MODEL_KINDS = ("xgboost", "isolation_forest")


@dataclass(frozen=True)
class TrainingOutcome:
    kind: str
    model: object
    params: dict
    windows: ProtocolWindows
    threshold: float
    metrics: dict[str, float]
    data: dict[str, int]
    # Test rows (keys, label) with the model's score: what the registry's model must reproduce.
    test_predictions: pd.DataFrame = field(repr=False)
    train_features: pd.DataFrame = field(repr=False)


def data_summary(parts: ProtocolSplit) -> dict[str, int]:
    return {
        "validation_rows": len(parts.validation),
        "train_rows": len(parts.train),
        "train_frauds": int(parts.train["is_fraud"].sum()),
        "test_rows": len(parts.test),
        "test_frauds": int(parts.test["is_fraud"].sum()),
        "test_rows_known_compromised_removed": parts.test_rows_before_exclusion - len(parts.test),
    }


def train_and_evaluate(
    frame: pd.DataFrame, windows: ProtocolWindows, kind: str = "xgboost", *,
    params: XGBoostParams | IsolationForestParams | None = None, alert_budget: int = 100, card_precision_k: int = 100,
) -> TrainingOutcome:
    parts = split(frame, windows)
    for name in ("validation", "train", "test"):
        if getattr(parts, name).empty:
            raise ValueError(f"the {name} window {windows.as_params()} holds no rows")
    train_x = feature_matrix(parts.train)
    if kind == "xgboost":
        params = params or XGBoostParams()
        labels = parts.train["is_fraud"].astype(int).to_numpy()
        if labels.sum() == 0:
            raise ValueError("the training window holds no fraud; a supervised model cannot learn from it")
        model = fit_xgboost(train_x, labels, params)
    elif kind == "isolation_forest":
        params = params or IsolationForestParams()
        model = fit_isolation_forest(train_x, params)
    else:
        raise ValueError(f"unknown model kind {kind!r}; use one of {', '.join(MODEL_KINDS)}")
    threshold = alert_budget_threshold(
        parts.validation["event_date"], score(model, feature_matrix(parts.validation)), alert_budget
    )
    test_scores = score(model, feature_matrix(parts.test))
    metrics = evaluate(parts.test, test_scores, threshold, card_precision_k)
    predictions = parts.test[["transaction_id", "event_date", "card_id", "is_fraud"]].assign(score=test_scores)
    return TrainingOutcome(
        kind=kind, model=model, params=params.as_dict(), windows=windows, threshold=threshold, metrics=metrics,
        data=data_summary(parts), test_predictions=predictions.reset_index(drop=True), train_features=train_x,
    )


def test_frame(frame: pd.DataFrame, windows: ProtocolWindows) -> pd.DataFrame:
    """The protocol's test rows (known-compromised cards removed), e.g. to compare two models."""
    return split(frame, windows).test


def scores_for(model: object, frame: pd.DataFrame) -> np.ndarray:
    """A trained or registered model's scores, from the feature columns it was trained on."""
    return score(model, feature_matrix(frame, model_features(model)))
