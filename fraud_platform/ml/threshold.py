"""The operating threshold, chosen on validation days from the investigators' alert budget.

Cost-based thresholds need the cost of a missed fraud against that of an investigation, which
the platform does not know; the alert budget is what a fraud team actually fixes. The threshold is
the score of the `budget`-th highest transaction of each validation day, averaged over the days,
so a day like the validation days raises about `budget` alerts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def alert_budget_threshold(event_dates: pd.Series, scores: np.ndarray, budget: int) -> float:
    if budget < 1:
        raise ValueError("the alert budget must be at least one alert per day")
    if len(scores) == 0:
        raise ValueError("no validation rows to choose the threshold on")
    frame = pd.DataFrame({"event_date": np.asarray(event_dates), "score": np.asarray(scores, dtype=float)})
    # A day with fewer rows than the budget flags all of them: its k-th score is its lowest.
    kth = frame.groupby("event_date")["score"].apply(lambda s: np.sort(s.to_numpy())[::-1][: budget][-1])
    return float(kth.mean())
