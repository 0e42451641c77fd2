"""A run's time window (daily partitions, end exclusive) as days and as dbt arguments."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone


def _utc_midnight(moment: datetime) -> date:
    utc = moment.astimezone(timezone.utc)
    if utc.timetz().replace(tzinfo=None) != time(0):
        raise ValueError(f"{moment.isoformat()} is not a UTC day boundary; the window must be of daily partitions")
    return utc.date()


def window_days(start: datetime, end: datetime) -> list[date]:
    """Every UTC day in [start, end)."""
    first, stop = _utc_midnight(start), _utc_midnight(end)
    return [first + timedelta(days=n) for n in range((stop - first).days)]


def dbt_partition_vars(start: datetime, end: datetime) -> dict[str, str]:
    """Models filter `event_date >= min_date and event_date < max_date`, so max_date is exclusive."""
    first, stop = _utc_midnight(start), _utc_midnight(end)
    if stop <= first:
        raise ValueError(f"empty window {start.isoformat()} .. {end.isoformat()}")
    return {"min_date": first.isoformat(), "max_date": stop.isoformat()}


def dbt_build_args(start: datetime, end: datetime) -> list[str]:
    return ["build", "--vars", json.dumps(dbt_partition_vars(start, end), sort_keys=True)]
