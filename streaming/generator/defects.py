"""Turns a configurable share of a chunk's messages into defects of the DEFECT_CLASSES
taxonomy, and reports which rows stayed valid and how many of each class were made.

A corrupted message replaces the valid one; a duplicate is inserted after its row and
re-sends, byte for byte and under the same key, an earlier valid message of the chunk
(at most `DUPLICATE_LOOKBACK` rows back). The draws come from their own generator
(seed stream 2), so the defect rate does not change the transactions themselves.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from .config import DefectConfig
from .defect_classes import DEFECT_CLASSES

DUPLICATE_LOOKBACK = 1_000


@dataclass
class Injected:
    keys: list[bytes]
    values: list[bytes]
    valid_rows: np.ndarray  # bool per input row: still a valid, first-time message
    counts: Counter[str]


class DefectInjector:
    def __init__(self, config: DefectConfig, seed: int) -> None:
        self.rate = config.rate
        self.names = [name for name, weight in config.weights.items() if weight > 0]
        weights = np.array([config.weights[name] for name in self.names], dtype=float)
        self.p = weights / weights.sum() if len(weights) else weights
        self.rng = np.random.default_rng([seed, 2])

    def inject(self, keys: list[bytes], values: list[bytes]) -> Injected:
        n = len(values)
        valid = np.ones(n, dtype=bool)
        counts: Counter[str] = Counter()
        if self.rate == 0 or n == 0:
            return Injected(keys, values, valid, counts)
        rng = self.rng
        m = rng.binomial(n, self.rate)
        rows = np.sort(rng.choice(n, m, replace=False))
        classes = rng.choice(len(self.names), m, p=self.p)
        duplicates: dict[int, int] = {}  # row -> earlier row whose message is re-sent after it
        for row, k in zip(rows.tolist(), classes.tolist()):
            defect = DEFECT_CLASSES[self.names[k]]
            counts[defect.name] += 1
            if defect.repeats_earlier:
                # Rows are visited in order, so every corruption at or before `row` is known.
                earlier = int(rng.integers(max(0, row - DUPLICATE_LOOKBACK), row + 1))
                duplicates[row] = earlier if valid[earlier] else row
            else:
                values[row] = defect.corrupt(values[row], rng)
                valid[row] = False
        if duplicates:
            keys, values = _with_duplicates(keys, values, duplicates)
        return Injected(keys, values, valid, counts)


def _with_duplicates(
    keys: list[bytes], values: list[bytes], duplicates: dict[int, int]
) -> tuple[list[bytes], list[bytes]]:
    out_keys: list[bytes] = []
    out_values: list[bytes] = []
    start = 0
    for row in sorted(duplicates):
        out_keys += keys[start : row + 1]
        out_values += values[start : row + 1]
        source = duplicates[row]
        out_keys.append(keys[source])
        out_values.append(values[source])
        start = row + 1
    out_keys += keys[start:]
    out_values += values[start:]
    return out_keys, out_values
