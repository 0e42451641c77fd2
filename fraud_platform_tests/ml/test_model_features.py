"""A model scores from the feature columns it was trained on, so adding a feature to the sandbox
never breaks a champion registered before it."""

import numpy as np
import pytest
from xgboost import XGBClassifier

from fraud_platform.lake.spark.features import FEATURE_COLUMNS
from fraud_platform.ml.models import MissingFeatures, fit_isolation_forest, fit_xgboost
from fraud_platform.ml.params import IsolationForestParams, XGBoostParams
from fraud_platform.ml.sandbox_reader import normalise
from fraud_platform.ml.training import scores_for

# A model from before the terminal's known fraud streak was a feature.
OLDER = [c for c in FEATURE_COLUMNS if not c.startswith("terminal_known_fraud_streak")]


def test_an_older_model_scores_with_its_own_columns_after_a_reload(sandbox, tmp_path):
    frame = normalise(sandbox)
    assert len(OLDER) == len(FEATURE_COLUMNS) - 2
    older = fit_xgboost(frame[OLDER].astype("float64"), frame["is_fraud"].to_numpy(), XGBoostParams(n_estimators=5))
    path = tmp_path / "model.ubj"
    older.save_model(path)  # the format mlflow.xgboost registers
    reloaded = XGBClassifier()
    reloaded.load_model(path)
    expected = older.predict_proba(frame[OLDER].astype("float64"))[:, 1]
    np.testing.assert_array_equal(scores_for(reloaded, frame), expected)
    # Column order in the sandbox does not matter either.
    np.testing.assert_array_equal(scores_for(reloaded, frame[frame.columns[::-1]]), expected)


def test_isolation_forest_keeps_its_columns_too(sandbox):
    frame = normalise(sandbox)
    model = fit_isolation_forest(frame[OLDER].astype("float64"), IsolationForestParams(n_estimators=10))
    np.testing.assert_array_equal(scores_for(model, frame), -model.score_samples(frame[OLDER].astype("float64")))


def test_a_model_needing_a_column_the_sandbox_lacks_says_which(sandbox):
    frame = normalise(sandbox)
    model = fit_xgboost(frame[list(FEATURE_COLUMNS)].astype("float64"), frame["is_fraud"].to_numpy(),
                        XGBoostParams(n_estimators=5))
    with pytest.raises(MissingFeatures, match="terminal_known_fraud_streak_days; rebuild sandbox_features"):
        scores_for(model, frame.drop(columns=["terminal_known_fraud_streak_days"]))
