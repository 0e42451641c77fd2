"""What the lander wrote for a day: records and distinct transaction ids in the raw JSON lines.

The processed stage drops repeated transaction_ids, so reconciliation compares distinct ids
landed with rows staged, not raw records.
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from datetime import date

from fraud_platform.lake.storage import LakeStorage
from fraud_platform.warehouse.lake_paths import raw_day_prefix


@dataclass(frozen=True)
class LandedCounts:
    files: int
    records: int
    distinct_transaction_ids: int


def count_landed(storage: LakeStorage, day: date | str) -> LandedCounts:
    keys = sorted(o.key for o in storage.list(raw_day_prefix(day)) if o.key.endswith(".jsonl.gz"))
    records = 0
    ids: set[str] = set()
    for key in keys:
        with gzip.GzipFile(fileobj=io.BytesIO(storage.read_bytes(key))) as lines:
            for line in lines:
                if line.strip():
                    records += 1
                    ids.add(json.loads(line)["transaction_id"])
    return LandedCounts(files=len(keys), records=records, distinct_transaction_ids=len(ids))
