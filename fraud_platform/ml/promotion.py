"""The promotion gate: when a challenger may replace the champion."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class PromotionDecision:
    promote: bool
    reason: str


def decide_promotion(challenger_ap: float, champion_ap: float | None, min_ap: float) -> PromotionDecision:
    """The challenger must do at least as well as the champion on the same test window; the first
    model, having no champion to beat, must reach `min_ap`."""
    if math.isnan(challenger_ap):
        return PromotionDecision(False, "the challenger's average precision is undefined (one class in the test window)")
    if champion_ap is None:
        if challenger_ap >= min_ap:
            return PromotionDecision(True, f"first champion: AP {challenger_ap:.4f} >= minimum {min_ap:.4f}")
        return PromotionDecision(False, f"no champion yet and AP {challenger_ap:.4f} < minimum {min_ap:.4f}")
    if challenger_ap >= champion_ap:
        return PromotionDecision(True, f"challenger AP {challenger_ap:.4f} >= champion AP {champion_ap:.4f}")
    return PromotionDecision(False, f"challenger AP {challenger_ap:.4f} < champion AP {champion_ap:.4f}")
