"""Hyperparameters of the two model kinds (light: no model library imported)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class XGBoostParams:
    # Chosen by prequential validation (fraud_platform.ml.model_selection, bench/model_quality.py
    # --select, extended grid) on the generator's handbook preset with the spending-habit
    # features: mean validation AP 0.738 over 4 folds (400 trees at depth 3: 0.734).
    # scale_pos_weight = 1, as in the handbook: larger class weights hurt ranking metrics.
    n_estimators: int = 100
    max_depth: int = 6
    learning_rate: float = 0.05
    scale_pos_weight: float = 1.0
    random_state: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class IsolationForestParams:
    n_estimators: int = 100
    random_state: int = 0

    def as_dict(self) -> dict:
        return asdict(self)
