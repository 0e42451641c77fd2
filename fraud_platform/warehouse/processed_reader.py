"""A day of processed Parquet as one Arrow table, read through the lake storage (local or S3).

The DuckDB warehouse reads a local lake with read_parquet() itself; this path serves Snowflake
and S3 lakes, where DuckDB would need its httpfs extension and an S3 secret.
"""

from __future__ import annotations

import io
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq

from fraud_platform.lake.processed_columns import PROCESSED_COLUMN_NAMES
from fraud_platform.lake.storage import LakeStorage
from fraud_platform.warehouse.lake_paths import processed_day_prefix


def processed_parquet_keys(storage: LakeStorage, day: date | str) -> list[str]:
    return sorted(o.key for o in storage.list(processed_day_prefix(day)) if o.key.endswith(".parquet"))


def read_processed_day(storage: LakeStorage, day: date | str) -> pa.Table:
    keys = processed_parquet_keys(storage, day)
    if not keys:
        raise FileNotFoundError(f"no Parquet under {storage.uri(processed_day_prefix(day))}")
    tables = [pq.read_table(io.BytesIO(storage.read_bytes(key))) for key in keys]
    return pa.concat_tables(tables, promote_options="default").select(list(PROCESSED_COLUMN_NAMES))
