"""The warehouse's STAGING tables and their DDL in each dialect, derived from the contract.

STAGING.TRANSACTIONS has the processed stage's columns exactly (contract columns, then
DERIVED_COLUMNS), so loading a day of processed Parquet is a column-for-column insert.
"""

from __future__ import annotations

from fraud_platform.contract import duckdb_ddl, snowflake_ddl
from fraud_platform.lake.processed_columns import DERIVED_COLUMNS, PROCESSED_COLUMN_NAMES

STAGING_SCHEMA = "STAGING"
PRODUCTION_SCHEMA = "PRODUCTION"
SCHEMAS = (STAGING_SCHEMA, PRODUCTION_SCHEMA)

STAGING_TRANSACTIONS = f"{STAGING_SCHEMA}.TRANSACTIONS"
STAGING_INVALID_TRANSACTIONS = f"{STAGING_SCHEMA}.INVALID_TRANSACTIONS"
FCT_TRANSACTIONS = f"{PRODUCTION_SCHEMA}.FCT_TRANSACTIONS"

# The partition column of every daily table.
DATE_COLUMN = "event_date"

TRANSACTION_COLUMNS = PROCESSED_COLUMN_NAMES
INVALID_COLUMNS = ("event_date", "reason", "invalid_count")

DIALECTS = ("duckdb", "snowflake")


def _contract_ddl(dialect: str, table: str) -> str:
    if dialect == "duckdb":
        return duckdb_ddl(table)
    if dialect == "snowflake":
        return snowflake_ddl(table)
    raise ValueError(f"unknown warehouse dialect {dialect!r}; use one of {', '.join(DIALECTS)}")


def staging_transactions_ddl(dialect: str) -> str:
    """The contract table with the processed stage's derived columns appended, in order."""
    base = _contract_ddl(dialect, STAGING_TRANSACTIONS)
    # create_table() ends with "\n)"; the derived columns go in front of that parenthesis.
    assert base.endswith("\n)"), base
    derived = ",\n".join(f"    {c.name} {getattr(c, dialect)}" for c in DERIVED_COLUMNS)
    return f"{base[:-2]},\n{derived}\n)"


def invalid_transactions_ddl(dialect: str) -> str:
    _contract_ddl(dialect, STAGING_INVALID_TRANSACTIONS)  # validates the dialect name
    reason_type = "VARCHAR(64)" if dialect == "snowflake" else "VARCHAR"
    return (
        f"CREATE TABLE IF NOT EXISTS {STAGING_INVALID_TRANSACTIONS} (\n"
        "    event_date DATE NOT NULL,\n"
        f"    reason {reason_type} NOT NULL,\n"
        "    invalid_count BIGINT NOT NULL\n"
        ")"
    )


def staging_ddl(dialect: str) -> list[str]:
    """Every statement that makes the warehouse ready for the STAGING loads (idempotent)."""
    return [
        *(f"CREATE SCHEMA IF NOT EXISTS {schema}" for schema in SCHEMAS),
        staging_transactions_ddl(dialect),
        invalid_transactions_ddl(dialect),
    ]
