"""The derived DuckDB DDL runs in a real in-memory DuckDB and the table matches the contract."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from fraud_platform.contract import FIELDS, Kind, duckdb_ddl, example_transaction

EXPECTED_TYPES = {
    Kind.UUID: "VARCHAR",
    Kind.STRING: "VARCHAR",
    Kind.IP: "VARCHAR",
    Kind.TIMESTAMP: "TIMESTAMP WITH TIME ZONE",
    Kind.MONEY: "DECIMAL(12,2)",
    Kind.DOUBLE: "DOUBLE",
    Kind.BOOLEAN: "BOOLEAN",
    Kind.INTEGER: "INTEGER",
}
NAMES = [f.name for f in FIELDS]
INSERT = f"INSERT INTO staging.transactions ({', '.join(NAMES)}) VALUES ({', '.join('?' * len(NAMES))})"


@pytest.fixture
def con():
    connection = duckdb.connect(":memory:")
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute("CREATE SCHEMA staging")
    connection.execute(duckdb_ddl("staging.transactions"))
    yield connection
    connection.close()


def test_columns_types_and_nullability_match_the_contract(con):
    rows = con.execute(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'staging' AND table_name = 'transactions' ORDER BY ordinal_position"
    ).fetchall()
    assert rows == [(f.name, EXPECTED_TYPES[f.kind], "NO" if f.not_null else "YES") for f in FIELDS]


def test_ddl_is_idempotent(con):
    con.execute(duckdb_ddl("staging.transactions"))


def test_good_record_inserts_and_reads_back(con):
    good = example_transaction()
    con.execute(INSERT, [good[name] for name in NAMES])
    amount, epoch_us, ip = con.execute(
        "SELECT amount, epoch_us(event_time), ip_address FROM staging.transactions"
    ).fetchone()
    assert amount == Decimal("42.50")
    assert epoch_us == 1714566896789000  # 2024-05-01T12:34:56.789Z
    assert ip is None


@pytest.mark.parametrize("column", [f.name for f in FIELDS if f.not_null])
def test_null_in_a_required_column_fails(con, column):
    bad = example_transaction() | {column: None}
    with pytest.raises(duckdb.ConstraintException, match="NOT NULL"):
        con.execute(INSERT, [bad[name] for name in NAMES])


@pytest.mark.parametrize("table", ["t; DROP TABLE x", "a.b.c.d", "1table", "t\n", '"quoted"'])
def test_table_name_must_be_a_plain_identifier(table):
    with pytest.raises(ValueError):
        duckdb_ddl(table)
