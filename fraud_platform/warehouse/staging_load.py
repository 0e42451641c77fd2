"""Load one day of processed Parquet into STAGING.TRANSACTIONS (DELETE + INSERT for the day).

DuckDB reads a local lake directly with read_parquet(); Snowflake, and DuckDB over an S3
lake, get the day as Arrow read through the lake storage (no httpfs extension needed).
"""

from __future__ import annotations

from datetime import date

from fraud_platform.lake.storage import LakeStorage
from fraud_platform.warehouse.lake_paths import is_local_root, processed_day_glob, processed_day_prefix
from fraud_platform.warehouse.processed_reader import processed_parquet_keys, read_processed_day
from fraud_platform.warehouse.session import DuckDBSession, WarehouseSession
from fraud_platform.warehouse.tables import DATE_COLUMN, STAGING_TRANSACTIONS, TRANSACTION_COLUMNS


class ProcessedDayMissing(FileNotFoundError):
    pass


def load_processed_day(session: WarehouseSession, storage: LakeStorage, day: date) -> int:
    """Replace the day in STAGING.TRANSACTIONS with the lake's processed Parquet; returns rows."""
    if not processed_parquet_keys(storage, day):
        raise ProcessedDayMissing(
            f"no processed Parquet for {day} under {storage.uri(processed_day_prefix(day))}; "
            "materialize processed_transactions for this day first"
        )
    if isinstance(session, DuckDBSession) and is_local_root(storage.root):
        glob = processed_day_glob(storage.root, day)
        return session.replace_partition_from_parquet(
            STAGING_TRANSACTIONS, DATE_COLUMN, day, glob, TRANSACTION_COLUMNS
        )
    return session.replace_partition(
        STAGING_TRANSACTIONS, DATE_COLUMN, day, read_processed_day(storage, day), TRANSACTION_COLUMNS
    )
