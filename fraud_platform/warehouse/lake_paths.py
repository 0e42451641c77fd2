"""Where the warehouse load finds a day of the lake, given the lake root as a parameter."""

from __future__ import annotations

from datetime import date

from fraud_platform.lake.layout import PROCESSED_PREFIX, RAW_PREFIX, day_prefix


def processed_day_prefix(day: date | str) -> str:
    """Key prefix (relative to the lake root) of one day of processed Parquet, with a trailing /."""
    return day_prefix(PROCESSED_PREFIX, day) + "/"


def raw_day_prefix(day: date | str) -> str:
    """Key prefix (relative to the lake root) of one day of landed JSON lines, with a trailing /."""
    return day_prefix(RAW_PREFIX, day) + "/"


def processed_day_glob(lake_root: str, day: date | str) -> str:
    """<lake_root>/processed/transactions/dt=DAY/*.parquet, for DuckDB's read_parquet().

    Only a local root is read this way: an s3:// glob would need DuckDB's httpfs extension
    (downloaded from extensions.duckdb.org at first use) plus an S3 secret, so S3 lakes are
    read through the lake storage into Arrow instead (see warehouse.processed_reader).
    """
    return f"{lake_root.rstrip('/')}/{processed_day_prefix(day)}*.parquet"


def is_local_root(lake_root: str) -> bool:
    return "://" not in lake_root
