"""One UTC day of generated transactions, sorted by time, as NumPy columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from .attacks import NewDevice


@dataclass(frozen=True)
class DayBlock:
    day: date
    time_us: np.ndarray  # int64 microseconds since the epoch, ascending
    transaction_id: np.ndarray  # S36 UUIDs
    card: np.ndarray
    terminal: np.ndarray
    device: np.ndarray  # < pools' device count: pool device; above: new_devices[i - that count]
    method: np.ndarray
    amount_cents: np.ndarray  # int64, local currency
    scenario: np.ndarray  # codes.SCENARIOS index
    new_devices: list[NewDevice]

    def __len__(self) -> int:
        return len(self.time_us)
