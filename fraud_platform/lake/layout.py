"""Where each stage lives in the lake, relative to the lake root (a directory or s3://bucket)."""

from __future__ import annotations

from datetime import date

RAW_PREFIX = "raw/transactions"
PROCESSED_PREFIX = "processed/transactions"
SANDBOX_PREFIX = "sandbox/features"


def day_prefix(stage_prefix: str, day: date | str) -> str:
    """Hive-style partition directory of one UTC day, e.g. raw/transactions/dt=2024-05-01."""
    return f"{stage_prefix}/dt={day if isinstance(day, str) else day.isoformat()}"


def day_of_key(key: str) -> str | None:
    """The dt=YYYY-MM-DD partition a lake key belongs to, or None for keys outside a partition."""
    for part in key.split("/"):
        if part.startswith("dt=") and len(part) == 13:
            return part[3:]
    return None
