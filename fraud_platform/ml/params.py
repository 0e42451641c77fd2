"""Hyperparameters of the two model kinds (light: no model library imported)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class XGBoostParams:
    # Close to the handbook's selected model; scale_pos_weight = 1 was best for ranking metrics.
    n_estimators: int = 100
    max_depth: int = 3
    learning_rate: float = 0.1
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
