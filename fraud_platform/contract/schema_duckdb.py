"""DuckDB DDL derived from the contract (the embedded warehouse's STAGING table).

event_time is TIMESTAMPTZ: an instant, like Spark's TimestampType, so Parquet written by
Spark loads without a time-zone-dependent cast. Day boundaries of a TIMESTAMPTZ follow the
session TimeZone, so warehouse sessions must run with TimeZone = 'UTC'. Strings are plain
VARCHAR because DuckDB does not enforce VARCHAR(n); lengths are the validator's job.
"""

from __future__ import annotations

from .ddl import create_table
from .fields import Kind
from .limits import AMOUNT_PRECISION, AMOUNT_SCALE

DUCKDB_TYPES = {
    Kind.UUID: "VARCHAR",  # not DuckDB's UUID type: Snowflake has none, dbt models stay portable
    Kind.STRING: "VARCHAR",
    Kind.IP: "VARCHAR",
    Kind.TIMESTAMP: "TIMESTAMPTZ",
    Kind.MONEY: f"DECIMAL({AMOUNT_PRECISION},{AMOUNT_SCALE})",
    Kind.DOUBLE: "DOUBLE",
    Kind.BOOLEAN: "BOOLEAN",
    Kind.INTEGER: "INTEGER",
}


def duckdb_ddl(table: str) -> str:
    """CREATE TABLE IF NOT EXISTS `table` with every contract column, NOT NULL where required."""
    return create_table(table, lambda f: DUCKDB_TYPES[f.kind])
