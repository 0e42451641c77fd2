"""Read the sandbox features (Parquet written per day by the sandbox_features asset) into pandas.

The features are already computed by the shared Spark feature function; training and scoring only
read them, so both see exactly the same values.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from fraud_platform.lake.layout import SANDBOX_PREFIX, day_of_key, day_prefix
from fraud_platform.lake.storage import LakeStorage


class SandboxDaysMissing(LookupError):
    """Days the caller needs have no sandbox features in the lake."""


def available_days(storage: LakeStorage) -> list[date]:
    days = {day_of_key(o.key) for o in storage.list(SANDBOX_PREFIX + "/") if o.key.endswith(".parquet")}
    return sorted(date.fromisoformat(d) for d in days if d)


def read_day(storage: LakeStorage, day: date) -> pd.DataFrame:
    keys = sorted(o.key for o in storage.list(day_prefix(SANDBOX_PREFIX, day) + "/") if o.key.endswith(".parquet"))
    if not keys:
        raise SandboxDaysMissing(f"no sandbox features for {day} under {storage.uri(day_prefix(SANDBOX_PREFIX, day))}")
    table = pa.concat_tables([pq.read_table(io.BytesIO(storage.read_bytes(k))) for k in keys])
    return normalise(table.to_pandas())


def read_days(storage: LakeStorage, days: Iterable[date]) -> pd.DataFrame:
    days = list(days)
    missing = sorted(set(days) - set(available_days(storage)))
    if missing:
        raise SandboxDaysMissing(
            f"{len(missing)} day(s) without sandbox features: {', '.join(d.isoformat() for d in missing)}; "
            "materialize sandbox_features for them first"
        )
    return pd.concat([read_day(storage, d) for d in days], ignore_index=True)


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """event_date as datetime64 midnight and is_fraud as bool, whatever wrote the Parquet; rows in
    (event_time, transaction_id) order, because the models' fit depends on row order and Spark's
    file and row order is not fixed: the same data then trains the same model."""
    return frame.assign(
        event_date=pd.to_datetime(frame["event_date"]).astype("datetime64[ns]"),
        is_fraud=frame["is_fraud"].fillna(False).astype(bool),
    ).sort_values(["event_time", "transaction_id"], kind="stable", ignore_index=True)
