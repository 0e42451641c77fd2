"""Run configuration of the training assets; defaults come from the FRAUD_ML_* settings."""

from datetime import date

import dagster as dg
from pydantic import Field

from fraud_platform.ml.params import IsolationForestParams, XGBoostParams
from fraud_platform.ml.protocol import ProtocolWindows
from fraud_platform.settings import Settings

_ML = Settings.from_env().ml
_XGB = XGBoostParams()


class TrainingConfig(dg.Config):
    test_end: str = Field(default="", description="Last test day (YYYY-MM-DD); empty = the latest day with "
                                                  "sandbox features in the lake")
    train_days: int = Field(default=_ML.train_days, description="Days of the training window")
    delay_days: int = Field(default=_ML.delay_days, description="Days between training and test (label delay)")
    test_days: int = Field(default=_ML.test_days, description="Days of the test window")
    validation_days: int = Field(default=_ML.validation_days,
                                 description="Days before training on which the alert threshold is chosen")
    alert_budget: int = Field(default=_ML.alert_budget, description="Alerts per day; sets the threshold")
    card_precision_k: int = Field(default=_ML.card_precision_k, description="k of Card Precision@k")
    n_estimators: int = Field(default=_XGB.n_estimators, description="XGBoost: trees")
    max_depth: int = Field(default=_XGB.max_depth, description="XGBoost: tree depth")
    learning_rate: float = Field(default=_XGB.learning_rate, description="XGBoost: learning rate")
    seed: int = Field(default=0, description="Random seed of the model")

    def windows(self, latest_available: date) -> ProtocolWindows:
        end = date.fromisoformat(self.test_end) if self.test_end else latest_available
        return ProtocolWindows.ending_on(end, train_days=self.train_days, delay_days=self.delay_days,
                                         test_days=self.test_days, validation_days=self.validation_days)

    def xgboost_params(self) -> XGBoostParams:
        return XGBoostParams(n_estimators=self.n_estimators, max_depth=self.max_depth,
                             learning_rate=self.learning_rate, random_state=self.seed)

    def isolation_forest_params(self) -> IsolationForestParams:
        return IsolationForestParams(random_state=self.seed)
