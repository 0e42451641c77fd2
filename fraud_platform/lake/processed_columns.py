"""Columns the processed stage adds to the contract's, in every dialect that stores them.

The processed stage (PySpark) writes contract columns followed by these; STAGING.TRANSACTIONS
has exactly the same columns, so the warehouse load is a plain column-for-column insert.
"""

from __future__ import annotations

from dataclasses import dataclass

from fraud_platform.contract import FIELDS


@dataclass(frozen=True)
class DerivedColumn:
    name: str
    duckdb: str
    snowflake: str
    spark: str  # a Spark SQL type name, parsed with DataType.fromDDL
    description: str


DERIVED_COLUMNS: tuple[DerivedColumn, ...] = (
    DerivedColumn("event_date", "DATE", "DATE", "date", "UTC calendar day of event_time: the partition"),
    DerivedColumn("amount_reporting", "DECIMAL(14,2)", "NUMBER(14,2)", "decimal(14,2)",
                  "amount converted to the reporting currency; NULL when no rate is known for currency"),
    DerivedColumn("reporting_currency", "VARCHAR", "VARCHAR(3)", "string", "ISO 4217 code of amount_reporting"),
    DerivedColumn("event_hour", "INTEGER", "NUMBER(2,0)", "int", "UTC hour of day, 0-23"),
    DerivedColumn("event_weekday", "INTEGER", "NUMBER(1,0)", "int", "ISO weekday, 1 = Monday … 7 = Sunday"),
    DerivedColumn("is_night", "BOOLEAN", "BOOLEAN", "boolean", "UTC hour <= 6, as in the Fraud Detection Handbook"),
    DerivedColumn("is_weekend", "BOOLEAN", "BOOLEAN", "boolean", "Saturday or Sunday (UTC)"),
    DerivedColumn("is_cross_border", "BOOLEAN", "BOOLEAN", "boolean", "merchant country differs from customer's"),
)

PROCESSED_COLUMN_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS) + tuple(c.name for c in DERIVED_COLUMNS)
