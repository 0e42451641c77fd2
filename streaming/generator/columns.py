"""A batch of transactions as parallel NumPy columns (one dict, so batches concatenate)."""

from __future__ import annotations

import numpy as np

Columns = dict[str, np.ndarray]
# seconds: since the start of the UTC day; base_amount: spending-profile units;
# amount: merchant's local currency.
NAMES = ("seconds", "card", "terminal", "device", "method", "base_amount", "amount", "scenario")


def take(columns: Columns, index: np.ndarray) -> Columns:
    return {name: values[index] for name, values in columns.items()}


def concat(parts: list[Columns]) -> Columns:
    return {name: np.concatenate([p[name] for p in parts]) for name in NAMES}


def draw_count(rng: np.random.Generator, per_day: float) -> int:
    """`per_day` events: its whole part, plus one more with probability its fraction."""
    whole = int(per_day)
    return whole + int(rng.random() < per_day - whole)


def pick_in_groups(offsets: np.ndarray, indices: np.ndarray, group: np.ndarray, u: np.ndarray) -> np.ndarray:
    """One member of each row's group, uniformly (u in [0, 1)); groups must be non-empty."""
    counts = offsets[group + 1] - offsets[group]
    return indices[offsets[group] + (u * counts).astype(np.int64)]
