"""Which physical terminals each customer uses: those within `radius` of home (handbook rule)."""

from __future__ import annotations

import numpy as np

# Customers per distance-matrix chunk: 512 x 32,000 terminals is 128 MB of float64 at worst,
# so chunk by the terminal count to keep peak memory near 16 MB.
_CHUNK_CELLS = 2_000_000


def terminals_within(
    customer_xy: np.ndarray, terminal_xy: np.ndarray, terminal_index: np.ndarray, radius: float
) -> tuple[np.ndarray, np.ndarray]:
    """CSR (offsets, indices): customer i uses terminal_index[...] in indices[offsets[i]:offsets[i+1]]."""
    chunk = max(1, _CHUNK_CELLS // max(1, len(terminal_xy)))
    counts = np.zeros(len(customer_xy), dtype=np.int64)
    found = []
    for start in range(0, len(customer_xy), chunk):
        block = customer_xy[start : start + chunk]
        dx = block[:, 0, None] - terminal_xy[None, :, 0]
        dy = block[:, 1, None] - terminal_xy[None, :, 1]
        rows, cols = np.nonzero(dx * dx + dy * dy < radius * radius)
        counts[start : start + len(block)] = np.bincount(rows, minlength=len(block))
        found.append(terminal_index[cols])
    offsets = np.concatenate(([0], np.cumsum(counts)))
    indices = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    return offsets, indices.astype(np.int32)
