"""The same sandbox rows train the same model, whatever order Spark or the files delivered them in."""

import pandas as pd

from fraud_platform.ml.sandbox_reader import normalise
from fraud_platform.ml.training import train_and_evaluate
from fraud_platform_tests.ml.conftest import WINDOWS


def test_row_order_of_the_sandbox_does_not_change_the_model(sandbox):
    shuffled = sandbox.sample(frac=1.0, random_state=7).reset_index(drop=True)
    assert not shuffled["transaction_id"].equals(sandbox["transaction_id"])
    for model in ("xgboost", "isolation_forest"):
        a = train_and_evaluate(normalise(sandbox), WINDOWS, model, alert_budget=20, card_precision_k=10)
        b = train_and_evaluate(normalise(shuffled), WINDOWS, model, alert_budget=20, card_precision_k=10)
        pd.testing.assert_frame_equal(a.test_predictions, b.test_predictions)
        assert a.metrics == b.metrics
