"""The landed-files sensor's cursor: which lake files it has already turned into runs.

A cursor holding only the newest key, or only the newest modification time, misses files
(dagster issue 22892): object stores report times to the second and uploads complete out of
order. This cursor keeps the newest time plus every key modified within a grace window before
it, so a file that appears late with an older timestamp inside the window is still seen, and a
file seen once is never requested again.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from fraud_platform.lake.layout import day_of_key
from fraud_platform.lake.storage import LakeObject

DEFAULT_GRACE_S = 120.0


@dataclass(frozen=True)
class LandedCursor:
    newest: float = 0.0
    recent_keys: frozenset[str] = field(default_factory=frozenset)

    def to_json(self) -> str:
        return json.dumps({"newest": self.newest, "recent_keys": sorted(self.recent_keys)})

    @classmethod
    def from_json(cls, raw: str | None) -> LandedCursor:
        if not raw:
            return cls()
        data = json.loads(raw)
        return cls(float(data["newest"]), frozenset(data["recent_keys"]))


def advance(cursor: LandedCursor, listing: Iterable[LakeObject],
            grace_s: float = DEFAULT_GRACE_S) -> tuple[list[LakeObject], LandedCursor]:
    """The objects not yet seen, and the cursor that marks them seen.

    Objects older than the grace window before the newest time are taken as seen: they were
    inside the window on an earlier tick.
    """
    objects = list(listing)
    horizon = cursor.newest - grace_s
    fresh = sorted(o for o in objects if o.last_modified > horizon and o.key not in cursor.recent_keys)
    newest = max([cursor.newest, *(o.last_modified for o in fresh)])
    recent = frozenset(o.key for o in objects if o.last_modified > newest - grace_s)
    return fresh, LandedCursor(newest, recent)


def files_by_day(objects: Iterable[LakeObject]) -> dict[str, list[LakeObject]]:
    days: dict[str, list[LakeObject]] = defaultdict(list)
    for o in objects:
        day = day_of_key(o.key)
        if day is not None:
            days[day].append(o)
    return dict(days)


def run_key(day: str, day_files: Iterable[LakeObject]) -> str:
    """Identifies a day's file set: new files for a day give a new run, a re-tick gives none."""
    digest = hashlib.sha256("\n".join(sorted(o.key for o in day_files)).encode()).hexdigest()[:16]
    return f"landed-{day}-{digest}"
