"""Metric functions against hand-computed examples."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from fraud_platform.ml.metrics import card_precision_at_k, card_precision_at_k_day, ranking_metrics, threshold_metrics
from fraud_platform.ml.threshold import alert_budget_threshold


def rows(day: str, *cards: tuple[str, float, bool]) -> pd.DataFrame:
    return pd.DataFrame([{"event_date": pd.Timestamp(day), "card_id": c, "score": s, "is_fraud": f}
                         for c, s, f in cards])


def test_card_precision_day_takes_each_cards_maximum_and_any_fraud():
    day = rows("2024-01-01",
               ("A", 0.9, False), ("A", 0.2, True),   # A: max 0.9, compromised (one fraud)
               ("B", 0.8, False),                     # B: 0.8, genuine
               ("C", 0.7, True),                      # C: 0.7, compromised
               ("D", 0.1, True))                      # D: 0.1, compromised but not in the top 3
    precision, found = card_precision_at_k_day(day, k=3)
    assert precision == pytest.approx(2 / 3)
    assert sorted(found) == ["A", "C"]


def test_card_precision_day_divides_by_k_even_with_fewer_cards():
    precision, _ = card_precision_at_k_day(rows("2024-01-01", ("A", 0.5, True), ("B", 0.4, False)), k=4)
    assert precision == 0.25


def test_card_precision_averages_days_and_does_not_count_a_found_card_twice():
    frame = pd.concat([
        rows("2024-01-01", ("A", 0.9, True), ("B", 0.8, False), ("C", 0.1, False)),  # top 2: A (fraud), B -> 1/2
        # Day 2: A was found on day 1 and is skipped, so the top 2 are C and B -> 1/2 (C fraud).
        rows("2024-01-02", ("A", 0.95, True), ("C", 0.7, True), ("B", 0.6, False)),
    ])
    assert card_precision_at_k(frame, k=2) == pytest.approx((1 / 2 + 1 / 2) / 2)
    # Without removal A counts again on day 2: top 2 = A, C -> 2/2.
    assert card_precision_at_k(frame, k=2, remove_detected=False) == pytest.approx((1 / 2 + 1) / 2)


def test_ranking_metrics_hand_computed():
    labels = np.array([0, 1, 0, 1])
    scores = np.array([0.1, 0.4, 0.35, 0.8])
    got = ranking_metrics(labels, scores)
    # Pairs (pos, neg): (0.4 > 0.1), (0.4 > 0.35), (0.8 > 0.1), (0.8 > 0.35) -> AUC 1.
    assert got["roc_auc"] == 1.0
    assert got["average_precision"] == 1.0
    scores = np.array([0.1, 0.3, 0.35, 0.8])  # order: 0.8 (+), 0.35 (-), 0.3 (+), 0.1 (-)
    got = ranking_metrics(labels, scores)
    assert got["roc_auc"] == pytest.approx(3 / 4)
    assert got["average_precision"] == pytest.approx((1 / 1 + 2 / 3) / 2)


def test_ranking_metrics_undefined_on_one_class():
    assert np.isnan(ranking_metrics(np.array([0, 0]), np.array([0.1, 0.2]))["average_precision"])


def test_threshold_metrics_hand_computed():
    labels = np.array([1, 0, 1, 0, 1])
    scores = np.array([0.9, 0.8, 0.3, 0.1, 0.5])
    got = threshold_metrics(labels, scores, threshold=0.5)  # flags 0.9 (tp), 0.8 (fp), 0.5 (tp)
    assert got["precision"] == pytest.approx(2 / 3)
    assert got["recall"] == pytest.approx(2 / 3)
    assert got["f1"] == pytest.approx(2 / 3)
    assert got["flagged"] == 3


def test_alert_budget_threshold_is_the_mean_of_the_daily_kth_scores():
    dates = pd.Series([date(2024, 1, 1)] * 4 + [date(2024, 1, 2)] * 3)
    scores = np.array([0.9, 0.7, 0.5, 0.1, 0.6, 0.4, 0.2])
    # 2nd highest: day 1 -> 0.7, day 2 -> 0.4.
    assert alert_budget_threshold(dates, scores, budget=2) == pytest.approx((0.7 + 0.4) / 2)
    # A budget above a day's rows flags all of that day: its lowest score.
    assert alert_budget_threshold(dates, scores, budget=4) == pytest.approx((0.1 + 0.2) / 2)
    with pytest.raises(ValueError):
        alert_budget_threshold(dates, scores, budget=0)
