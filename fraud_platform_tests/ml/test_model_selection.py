"""Prequential model selection: the fold windows (handbook chapter 5) and the choice by validation."""

from datetime import date, timedelta

import pandas as pd
import pytest

from fraud_platform.ml.model_selection import (
    EXTENDED_GRID, HANDBOOK_GRID, CandidateScores, SelectionResult, folds_first_day, parameter_grid, prequential_folds,
    prequential_test_folds, select,
)
from fraud_platform.ml.params import XGBoostParams
from fraud_platform.ml.protocol import ProtocolWindows
from fraud_platform.ml.sandbox_reader import normalise
from fraud_platform_tests.ml.synthetic import sandbox_frame

HANDBOOK = ProtocolWindows.ending_on(date(2018, 8, 14), train_days=7, delay_days=7, test_days=7, validation_days=3)


def spans(fold: ProtocolWindows) -> tuple[str, ...]:
    return tuple(d.strftime("%m-%d") for d in (fold.train_start, fold.train_end, fold.test_start, fold.test_end))


def test_handbook_folds():
    # The handbook's start_date_training_for_valid = 2018-07-25 - (delay + validation) = 07-11,
    # then one week earlier per fold.
    folds = prequential_folds(HANDBOOK, n_folds=4)
    assert [spans(f) for f in folds] == [
        ("07-11", "07-17", "07-25", "07-31"),
        ("07-04", "07-10", "07-18", "07-24"),
        ("06-27", "07-03", "07-11", "07-17"),
        ("06-20", "06-26", "07-04", "07-10"),
    ]
    assert all(f.delay_days == 7 and f.validation_start == f.train_start for f in folds)
    assert folds_first_day(HANDBOOK, 4) == date(2018, 6, 20)


def test_folds_never_reach_the_test_window_nor_its_delay():
    folds = prequential_folds(HANDBOOK, n_folds=4)
    assert max(f.test_end for f in folds) == HANDBOOK.train_end
    assert all(f.test_end < HANDBOOK.test_start - timedelta(days=HANDBOOK.delay_days) for f in folds)


def test_handbook_test_folds():
    # The handbook's start_date_training_for_test = 2018-07-25 + (n_folds - 1) * 7 = 08-15, then one
    # week earlier per fold: its published test results are the mean over test weeks 08-08 .. 09-04.
    folds = prequential_test_folds(HANDBOOK, n_folds=4)
    assert [spans(f) for f in folds] == [
        ("08-15", "08-21", "08-29", "09-04"),
        ("08-08", "08-14", "08-22", "08-28"),
        ("08-01", "08-07", "08-15", "08-21"),
        ("07-25", "07-31", "08-08", "08-14"),
    ]
    assert folds[-1] == HANDBOOK
    assert all(f.delay_days == 7 and (f.train_start - f.validation_start).days == 3 for f in folds)
    # Parameters chosen on the validation folds never saw a test fold's labels.
    earliest_test = min(f.test_start for f in folds)
    assert all(f.test_end < earliest_test for f in prequential_folds(HANDBOOK, n_folds=4))
    assert [spans(f)[2] for f in prequential_test_folds(HANDBOOK, n_folds=2, step_days=1)] == ["08-09", "08-08"]
    with pytest.raises(ValueError):
        prequential_test_folds(HANDBOOK, n_folds=0)
    with pytest.raises(ValueError):
        prequential_test_folds(HANDBOOK, step_days=0)


def test_fold_lengths_follow_the_official_windows():
    w = ProtocolWindows.ending_on(date(2024, 3, 31), train_days=5, delay_days=2, test_days=3, validation_days=1)
    # official: validation 03-21 | train 03-22..26 | delay 03-27..28 | test 03-29..31
    assert (w.train_start, w.train_end, w.test_start) == (date(2024, 3, 22), date(2024, 3, 26), date(2024, 3, 29))
    first, second = prequential_folds(w, n_folds=2)
    # train 5 days | delay 2 | validation 3 days ending on the official train end, then 3 days earlier.
    assert spans(first) == ("03-17", "03-21", "03-24", "03-26")
    assert spans(second) == ("03-14", "03-18", "03-21", "03-23")
    assert spans(prequential_folds(w, n_folds=2, step_days=1)[1]) == ("03-16", "03-20", "03-23", "03-25")


def test_fold_arguments_are_checked():
    with pytest.raises(ValueError):
        prequential_folds(HANDBOOK, n_folds=0)
    with pytest.raises(ValueError):
        prequential_folds(HANDBOOK, step_days=0)


def test_parameter_grid():
    grid = parameter_grid(HANDBOOK_GRID)
    assert len(grid) == 18 and len(set(grid)) == 18
    assert grid[0] == XGBoostParams(max_depth=3, n_estimators=25, learning_rate=0.1)
    assert {p.scale_pos_weight for p in grid} == {1.0}
    base = XGBoostParams(n_estimators=7)
    assert parameter_grid({"max_depth": [2]}, base) == [XGBoostParams(n_estimators=7, max_depth=2)]
    assert len(parameter_grid(EXTENDED_GRID)) == 8
    with pytest.raises(ValueError):
        parameter_grid({"depth": [2]})


def _small_protocol() -> tuple[ProtocolWindows, pd.DataFrame]:
    """Short windows and a synthetic sandbox covering 2 folds through the test window."""
    windows = ProtocolWindows.ending_on(date(2024, 3, 28), train_days=3, delay_days=2, test_days=3, validation_days=1)
    first = folds_first_day(windows, 2)
    return windows, normalise(sandbox_frame(first, days=(windows.test_end - first).days + 1, rows_per_day=300, seed=3))


def test_select_scores_every_candidate_on_every_fold_and_keeps_the_best_mean_ap():
    windows, frame = _small_protocol()
    candidates = [XGBoostParams(n_estimators=1, max_depth=1), XGBoostParams(n_estimators=30, max_depth=3)]
    result = select(frame, windows, candidates, n_folds=2, k=10)
    assert len(result.folds) == 2 and [c.params for c in result.candidates] == candidates
    for c in result.candidates:
        assert len(c.folds) == 2
        assert set(c.folds[0]) == {"roc_auc", "average_precision", "card_precision_at_10"}
    assert result.best.mean("average_precision") == max(c.mean("average_precision") for c in result.candidates)
    assert result.ranked()[0] is result.best


def test_best_for_picks_each_metric_separately_as_the_handbook_summary_does():
    a, b, c = (XGBoostParams(n_estimators=n) for n in (10, 20, 30))

    def scores(ap: float, cp: float) -> tuple[dict[str, float], ...]:
        return ({"average_precision": ap, "card_precision_at_100": cp, "roc_auc": 0.9},) * 2

    result = SelectionResult(folds=(HANDBOOK, HANDBOOK), candidates=(
        CandidateScores(a, scores(0.70, 0.30)), CandidateScores(b, scores(0.72, 0.29)),
        CandidateScores(c, scores(0.71, 0.31))))
    assert result.best.params == result.best_for("average_precision").params == b
    assert result.best_for("card_precision_at_100").params == c
    assert result.best_for("roc_auc").params == a  # a tie: the earlier grid entry


def test_select_does_not_read_the_test_window():
    windows, frame = _small_protocol()
    candidates = [XGBoostParams(n_estimators=5, max_depth=2), XGBoostParams(n_estimators=20, max_depth=3)]
    before = select(frame, windows, candidates, n_folds=2, k=10)
    # Scramble every label after the official training window: the selection must not change.
    later = frame["event_date"] > pd.Timestamp(windows.train_end)
    scrambled = frame.assign(is_fraud=frame["is_fraud"].where(~later, ~frame["is_fraud"]))
    after = select(scrambled, windows, candidates, n_folds=2, k=10)
    assert [c.folds for c in after.candidates] == [c.folds for c in before.candidates]
