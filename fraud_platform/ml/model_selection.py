"""Prequential model selection, as in the Fraud Detection Handbook (chapter 5).

Each fold is the protocol itself shifted back in time, ending before the official training
window starts to matter for the test:

    fold 0:                 train | delay | validation = the official training week
    fold 1:         train | delay | validation                (one step earlier)
    ...

so the validation weeks only hold transactions whose labels are known when the official model
is trained, and nothing from the test window is read to choose the parameters. Each candidate
is fitted on every fold's training week and scored on that fold's validation week (cards
already known compromised removed, as on the test); the candidate with the best mean average
precision wins (ties: the earlier candidate of the grid).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from fraud_platform.ml.params import XGBoostParams
from fraud_platform.ml.protocol import ProtocolWindows, split

SELECTION_METRIC = "average_precision"
# The handbook's XGBoost grid.
HANDBOOK_GRID: dict[str, tuple] = {
    "max_depth": (3, 6, 9),
    "n_estimators": (25, 50, 100),
    "learning_rate": (0.1, 0.3),
}
# On the handbook preset the handbook grid's validation AP rises with more trees at learning
# rate 0.1 and falls at 0.3 and with depth 9; this grid follows that direction (more trees,
# smaller steps). Both choices were made on validation folds only.
EXTENDED_GRID: dict[str, tuple] = {
    "max_depth": (3, 6),
    "n_estimators": (100, 400),
    "learning_rate": (0.05, 0.1),
}
GRIDS = {"handbook": HANDBOOK_GRID, "extended": EXTENDED_GRID}


def prequential_folds(
    windows: ProtocolWindows, n_folds: int = 4, step_days: int | None = None
) -> list[ProtocolWindows]:
    """The validation folds of `windows`: train | delay | validation, fold 0's validation window
    ending on the official training window's last day, each next fold `step_days` earlier
    (default: the validation length). Train, delay and validation lengths are the official
    window's train, delay and test lengths. The fold's validation window is its `test_*` span;
    it has no threshold window (validation_days = 0)."""
    step = _fold_step(windows, n_folds, step_days)
    folds = [_moved(windows, windows.train_end - timedelta(days=k * step), validation_days=0) for k in range(n_folds)]
    # Every fold's labels are known when the official model is trained: nothing after its training week.
    assert all(f.test_end <= windows.train_end for f in folds)
    return folds


def prequential_test_folds(
    windows: ProtocolWindows, n_folds: int = 4, step_days: int | None = None
) -> list[ProtocolWindows]:
    """The handbook's estimate of test performance: the official train | delay | test windows and
    the `n_folds - 1` protocols after them, each `step_days` later (default: the test length).
    Fold 0 is the latest, as in the handbook (`start_date_training_for_test = start_date_training
    + (n_folds - 1) * delta_test`, then one step back per fold); the last fold is `windows` itself.
    The handbook's published test results are the mean over these folds. Parameters are chosen on
    `prequential_folds` only, which all end before the earliest test fold's test window. Each fold
    keeps the official validation length, for the alert threshold."""
    step = _fold_step(windows, n_folds, step_days)
    validation_days = (windows.train_start - windows.validation_start).days
    return [_moved(windows, windows.test_end + timedelta(days=k * step), validation_days) for k in reversed(range(n_folds))]


def _fold_step(windows: ProtocolWindows, n_folds: int, step_days: int | None) -> int:
    """Days between consecutive folds (default: the test length), checked with the fold count."""
    if n_folds < 1:
        raise ValueError("prequential folds need at least one fold")
    step = (windows.test_end - windows.test_start).days + 1 if step_days is None else step_days
    if step < 1:
        raise ValueError("folds must move by at least one day")
    return step


def _moved(windows: ProtocolWindows, test_end: date, validation_days: int) -> ProtocolWindows:
    """The protocol of `windows` (same train, delay and test lengths) ending on `test_end`."""
    return ProtocolWindows.ending_on(
        test_end, train_days=(windows.train_end - windows.train_start).days + 1, delay_days=windows.delay_days,
        test_days=(windows.test_end - windows.test_start).days + 1, validation_days=validation_days)


def parameter_grid(grid: Mapping[str, Iterable], base: XGBoostParams | None = None) -> list[XGBoostParams]:
    """Every combination of `grid`'s values (in the given key and value order) over `base`."""
    base = base or XGBoostParams()
    keys = list(grid)
    unknown = set(keys) - set(base.as_dict())
    if unknown:
        raise ValueError(f"not XGBoost parameters: {', '.join(sorted(unknown))}")
    return [replace(base, **dict(zip(keys, values))) for values in itertools.product(*(grid[k] for k in keys))]


@dataclass(frozen=True)
class CandidateScores:
    params: XGBoostParams
    folds: tuple[dict[str, float], ...]  # per fold: roc_auc, average_precision, card_precision_at_k

    def mean(self, metric: str) -> float:
        return float(np.mean([f[metric] for f in self.folds]))

    def std(self, metric: str) -> float:
        return float(np.std([f[metric] for f in self.folds]))


@dataclass(frozen=True)
class SelectionResult:
    folds: tuple[ProtocolWindows, ...]
    candidates: tuple[CandidateScores, ...]
    metric: str = SELECTION_METRIC

    @property
    def best(self) -> CandidateScores:
        return self.best_for(self.metric)

    def best_for(self, metric: str) -> CandidateScores:
        """The best mean validation `metric`. The handbook's summary table (get_summary_performances)
        reports each metric's test result for the candidate best on that metric's validation."""
        # max() keeps the first of equal scores: the earlier grid entry wins a tie.
        return max(self.candidates, key=lambda c: c.mean(metric))

    def ranked(self) -> list[CandidateScores]:
        return sorted(self.candidates, key=lambda c: -c.mean(self.metric))


def fold_scores(frame: pd.DataFrame, fold: ProtocolWindows, params: XGBoostParams, k: int = 100) -> dict[str, float]:
    """Fit on the fold's training week, rank the validation week: AUC, AP and Card Precision@k."""
    from fraud_platform.ml.metrics import card_precision_at_k, ranking_metrics
    from fraud_platform.ml.models import feature_matrix, fit_xgboost, score

    parts = split(frame, fold)
    if parts.train.empty or parts.test.empty:
        raise ValueError(f"fold {fold.as_params()} has an empty training or validation window")
    labels = parts.train["is_fraud"].astype(int).to_numpy()
    model = fit_xgboost(feature_matrix(parts.train), labels, params)
    scores = score(model, feature_matrix(parts.test))
    ranked = parts.test[["event_date", "card_id", "is_fraud"]].assign(score=scores)
    return {
        **ranking_metrics(parts.test["is_fraud"].astype(int).to_numpy(), scores),
        f"card_precision_at_{k}": card_precision_at_k(ranked, k),
    }


def select(
    frame: pd.DataFrame, windows: ProtocolWindows, candidates: Sequence[XGBoostParams], *,
    n_folds: int = 4, k: int = 100, progress=None,
) -> SelectionResult:
    """Score every candidate on the prequential folds of `windows`; see `SelectionResult.best`.
    `frame` holds sandbox features for every fold day (see `folds_first_day`)."""
    if not candidates:
        raise ValueError("no candidate parameters to select from")
    folds = prequential_folds(windows, n_folds)
    results = []
    for params in candidates:
        scores = tuple(fold_scores(frame, fold, params, k) for fold in folds)
        results.append(CandidateScores(params, scores))
        if progress:
            progress(results[-1])
    return SelectionResult(folds=tuple(folds), candidates=tuple(results))


def folds_first_day(windows: ProtocolWindows, n_folds: int = 4):
    """The first day the selection reads: the earliest fold's training start."""
    return min(f.train_start for f in prequential_folds(windows, n_folds))
