"""Invalid records per UTC day and reason, aggregated in Elasticsearch (terms + date_histogram).

Documents are the validator's (streaming/validator/invalid_document.py):
  - REASON_FIELD "reasons": keyword array, the distinct reason codes of the message's failed rules;
  - DAY_FIELD "event_day": date (strict_date), the UTC day of the record's event_time when it
    parses, else of the source Kafka timestamp; the same day the valid path partitions by.
A document failing several rules counts once under each of its reasons; the day's number of
invalid documents is the histogram bucket's doc_count. A document without any day (no
parseable event_time and no Kafka timestamp) has no event_day and is not counted.

Only aggregations are used (no scripts): the local Elasticsearch is the integ-test
distribution, which has no painless.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

REASON_FIELD = "reasons"
DAY_FIELD = "event_day"
# Reason codes are a closed taxonomy of ~20; anything near this bound is a bug upstream.
MAX_REASONS = 100


@dataclass(frozen=True)
class InvalidSummary:
    rows: list[tuple[date, str, int]]  # (event_date, reason, invalid_count)
    documents_per_day: dict[date, int]


def invalid_summary_query(start: datetime, end: datetime) -> dict[str, Any]:
    """Search body counting documents per UTC day in [start, end) and reason (start, end: UTC midnights)."""
    return {
        "size": 0,
        "track_total_hits": True,
        "query": {"range": {DAY_FIELD: {"gte": start.date().isoformat(), "lt": end.date().isoformat()}}},
        "aggs": {
            "per_day": {
                "date_histogram": {
                    "field": DAY_FIELD, "calendar_interval": "day", "time_zone": "UTC", "min_doc_count": 1,
                },
                "aggs": {"per_reason": {"terms": {"field": REASON_FIELD, "size": MAX_REASONS}}},
            }
        },
    }


def parse_invalid_summary(response: dict[str, Any]) -> InvalidSummary:
    rows: list[tuple[date, str, int]] = []
    per_day: dict[date, int] = {}
    # A missing index (searched with ignore_unavailable) answers without aggregations.
    buckets = response.get("aggregations", {}).get("per_day", {}).get("buckets", [])
    for day_bucket in buckets:
        day = date.fromisoformat(day_bucket["key_as_string"][:10])
        per_day[day] = day_bucket["doc_count"]
        reasons = day_bucket["per_reason"]
        if reasons.get("sum_other_doc_count"):
            raise ValueError(f"more than {MAX_REASONS} reason codes on {day}: is {REASON_FIELD} a reason code?")
        rows.extend((day, b["key"], b["doc_count"]) for b in reasons["buckets"])
    return InvalidSummary(rows=rows, documents_per_day=per_day)
