"""Whole-cent amounts as JSON numbers ('1234.05'), formatted with NumPy integer arithmetic."""

from __future__ import annotations

import numpy as np

_WIDTH = 16  # 12 integer digits, the point, 2 decimals, spare: DECIMAL(12,2) always fits


def decimal_text(cents: np.ndarray) -> list[bytes]:
    """'E.CC' for each non-negative cent count (NUL padding is dropped by tolist())."""
    n = len(cents)
    units = cents // 100
    digits = 1 + sum((units >= 10**k).astype(np.int64) for k in range(1, 12))  # exact, unlike log10
    text = np.zeros((n, _WIDTH), dtype=np.uint8)
    rows = np.arange(n)
    remaining = units.copy()
    for back in range(int(digits.max(initial=1))):
        column = digits - 1 - back
        write = column >= 0
        text[rows[write], column[write]] = ord("0") + remaining[write] % 10
        remaining //= 10
    text[rows, digits] = ord(".")
    text[rows, digits + 1] = ord("0") + (cents % 100) // 10
    text[rows, digits + 2] = ord("0") + cents % 10
    return text.view(f"S{_WIDTH}").reshape(n).tolist()
