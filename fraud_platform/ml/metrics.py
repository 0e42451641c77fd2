"""The handbook's evaluation metrics: ROC AUC, average precision, Card Precision@k, and
precision / recall / F1 at an operating threshold."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score, roc_auc_score


def ranking_metrics(labels: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """ROC AUC and average precision; NaN when the labels hold a single class (undefined)."""
    labels = np.asarray(labels, dtype=int)
    if len(np.unique(labels)) < 2:
        return {"roc_auc": float("nan"), "average_precision": float("nan")}
    return {
        "roc_auc": float(roc_auc_score(labels, scores)),
        "average_precision": float(average_precision_score(labels, scores)),
    }


def threshold_metrics(labels: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    """Precision, recall and F1 of flagging every transaction scoring at or above `threshold`."""
    labels = np.asarray(labels, dtype=int)
    flagged = (np.asarray(scores) >= threshold).astype(int)
    return {
        "precision": float(precision_score(labels, flagged, zero_division=0)),
        "recall": float(recall_score(labels, flagged, zero_division=0)),
        "f1": float(f1_score(labels, flagged, zero_division=0)),
        "flagged": int(flagged.sum()),
    }


def card_precision_at_k_day(day: pd.DataFrame, k: int) -> tuple[float, list]:
    """One day: each card's maximum score and whether any of its transactions was fraud; the share
    of compromised cards among the k best (divided by k even when fewer cards exist, as in the
    handbook). Returns the precision and the compromised cards found."""
    cards = day.groupby("card_id").agg(score=("score", "max"), is_fraud=("is_fraud", "max"))
    # Stable tie-break on the card id, so the result does not depend on row order.
    top = cards.reset_index().sort_values(["score", "card_id"], ascending=[False, True]).head(k)
    found = top.loc[top["is_fraud"].astype(bool), "card_id"].tolist()
    return len(found) / k, found


def card_precision_at_k(frame: pd.DataFrame, k: int = 100, remove_detected: bool = True) -> float:
    """Mean over days of the daily Card Precision@k. `frame` has event_date, card_id, score and
    is_fraud. As in the handbook, a compromised card found on one day is not counted again on the
    following days (investigators have already blocked it)."""
    detected: set = set()
    daily = []
    for _, day in frame.sort_values("event_date").groupby("event_date", sort=True):
        if remove_detected:
            day = day[~day["card_id"].isin(detected)]
        precision, found = card_precision_at_k_day(day, k)
        daily.append(precision)
        if remove_detected:
            detected.update(found)
    return float(np.mean(daily)) if daily else float("nan")


def evaluate(test: pd.DataFrame, scores: np.ndarray, threshold: float, k: int) -> dict[str, float]:
    """Every test metric of one model; `test` has event_date, card_id and is_fraud."""
    labels = test["is_fraud"].astype(int).to_numpy()
    scored = test[["event_date", "card_id", "is_fraud"]].assign(score=scores)
    return {
        **ranking_metrics(labels, scores),
        f"card_precision_at_{k}": card_precision_at_k(scored, k),
        **threshold_metrics(labels, scores, threshold),
    }
