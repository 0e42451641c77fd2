"""Small sandbox-feature frames with a learnable fraud signal, written the way sandbox_features does."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from fraud_platform.lake.layout import SANDBOX_PREFIX, day_prefix
from fraud_platform.lake.spark.features import FEATURE_COLUMNS, KEY_COLUMNS, LABEL_COLUMNS


def sandbox_frame(first: date, days: int, rows_per_day: int = 400, cards: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = days * rows_per_day
    day_index = np.repeat(np.arange(days), rows_per_day)
    fraud = rng.random(n) < 0.04
    frame = pd.DataFrame({
        "transaction_id": [f"tx-{seed}-{i:07d}" for i in range(n)],
        "event_time": pd.Timestamp(first, tz="UTC") + pd.to_timedelta(day_index * 86_400 + rng.integers(0, 86_400, n),
                                                                      unit="s"),
        "event_date": [first + timedelta(days=int(d)) for d in day_index],
        "customer_id": [f"C{c:05d}" for c in rng.integers(0, cards, n)],
        "terminal_id": [f"T{t:05d}" for t in rng.integers(0, 500, n)],
        "is_fraud": fraud,
        "fraud_scenario": np.where(fraud, "compromised_card", None),
    })
    frame["card_id"] = frame["customer_id"].str.replace("C", "K") + "-01"
    for column in FEATURE_COLUMNS:
        frame[column] = rng.normal(0, 1, n)
    # The signal: frauds spend more and hit risky terminals; noise keeps the ranking imperfect.
    frame["amount_feature"] = np.where(fraud, rng.normal(150, 60, n), rng.normal(60, 40, n)).clip(1)
    frame["terminal_7d_risk"] = np.where(fraud, rng.beta(2, 5, n), rng.beta(1, 30, n))
    for flag in ("is_weekend", "is_night", "is_cross_border", "is_new_device", "is_new_country"):
        frame[flag] = rng.random(n) < 0.2
    return frame[[*KEY_COLUMNS, *FEATURE_COLUMNS, *LABEL_COLUMNS]]


def write_sandbox(root: Path, frame: pd.DataFrame) -> None:
    for day, rows in frame.groupby("event_date"):
        out = root / day_prefix(SANDBOX_PREFIX, day)
        out.mkdir(parents=True, exist_ok=True)
        rows.to_parquet(out / "part-00000.parquet", index=False)
