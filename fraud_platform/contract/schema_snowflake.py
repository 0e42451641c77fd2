"""Snowflake DDL derived from the contract (the production warehouse's STAGING table).

event_time is TIMESTAMP_TZ, the counterpart of DuckDB's TIMESTAMPTZ (an instant); with
the contract's UTC-only input every stored offset is +00:00. VARCHAR carries the
contract's maximum length, which Snowflake enforces.
"""

from __future__ import annotations

from .ddl import create_table
from .fields import Field, Kind
from .limits import AMOUNT_PRECISION, AMOUNT_SCALE


def _type(field: Field) -> str:
    if field.kind in (Kind.UUID, Kind.STRING, Kind.IP):
        return f"VARCHAR({field.max_length})" if field.max_length else "VARCHAR"
    return {
        Kind.TIMESTAMP: "TIMESTAMP_TZ",
        Kind.MONEY: f"NUMBER({AMOUNT_PRECISION},{AMOUNT_SCALE})",
        Kind.DOUBLE: "FLOAT",  # Snowflake FLOAT is 64-bit
        Kind.BOOLEAN: "BOOLEAN",
        Kind.INTEGER: "INTEGER",
    }[field.kind]


def snowflake_ddl(table: str) -> str:
    """CREATE TABLE IF NOT EXISTS `table` with every contract column, NOT NULL where required."""
    return create_table(table, _type)
