"""event_time in the contract's RFC 3339 form, YYYY-MM-DDTHH:MM:SS.ffffffZ, built with
integer arithmetic on NumPy arrays: the encoder writes the date once per day block and
only the time of day per message."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

US_PER_DAY = 86_400_000_000
_EPOCH = date(1970, 1, 1)
_ZERO = ord("0")
# Place values and positions of HH:MM:SS.ffffff inside its 15 characters.
_UNITS = (36_000_000_000, 3_600_000_000, 600_000_000, 60_000_000, 10_000_000, 1_000_000,
          100_000, 10_000, 1_000, 100, 10, 1)
_RADIX = (3, 10, 6, 10, 6, 10, 10, 10, 10, 10, 10, 10)
_POSITIONS = (0, 1, 3, 4, 6, 7, 9, 10, 11, 12, 13, 14)


def day_of(time_us: int) -> date:
    return date.fromordinal(_EPOCH.toordinal() + time_us // US_PER_DAY)


def time_of_day(time_us: np.ndarray) -> list[bytes]:
    """'HH:MM:SS.ffffff' for each epoch-microsecond value."""
    within = time_us % US_PER_DAY
    text = np.zeros((len(time_us), 15), dtype=np.uint8)
    text[:, [2, 5]] = ord(":")
    text[:, 8] = ord(".")
    for unit, radix, position in zip(_UNITS, _RADIX, _POSITIONS):
        text[:, position] = _ZERO + (within // unit) % radix
    return text.view("S15").reshape(len(time_us)).tolist()


def now_us() -> int:
    moment = datetime.now(UTC)
    return (moment.date() - _EPOCH).days * US_PER_DAY + (
        moment.hour * 3600 + moment.minute * 60 + moment.second
    ) * 1_000_000 + moment.microsecond
