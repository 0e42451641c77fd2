"""The derived Snowflake DDL runs against fakesnow and the described table matches the contract.

fakesnow translates Snowflake SQL to DuckDB, so this proves the DDL parses as Snowflake SQL
and yields the intended column names, types and NOT NULL flags. It cannot check what only
real Snowflake does: VARCHAR(n) length enforcement (DuckDB ignores lengths), TIMESTAMP_TZ
keeping a per-value offset (DuckDB stores the UTC instant), NUMBER(12,2) overflow and
rounding on load, identifier quoting/case rules beyond the common ones, and anything about
warehouses, roles, stages or COPY INTO.
"""

from __future__ import annotations

import re

import pytest

from fraud_platform.contract import FIELDS, Kind, example_transaction, snowflake_ddl

fakesnow = pytest.importorskip("fakesnow")
snowflake_connector = pytest.importorskip("snowflake.connector")

pytestmark = pytest.mark.filterwarnings("ignore:Arrow output on a DB-API result:UserWarning")


def expected_type(field) -> str:
    if field.kind in (Kind.UUID, Kind.STRING, Kind.IP):
        return f"VARCHAR({field.max_length})"
    return {
        Kind.TIMESTAMP: "TIMESTAMP_TZ(9)",
        Kind.MONEY: "NUMBER(12,2)",
        Kind.DOUBLE: "FLOAT",
        Kind.BOOLEAN: "BOOLEAN",
        Kind.INTEGER: "NUMBER(38,0)",
    }[field.kind]


@pytest.fixture
def cursor():
    with fakesnow.patch():
        conn = snowflake_connector.connect(database="FRAUD", schema="STAGING")
        cur = conn.cursor()
        cur.execute(snowflake_ddl("STAGING.TRANSACTIONS"))
        yield cur
        conn.close()


def test_described_columns_match_the_contract(cursor):
    cursor.execute("DESCRIBE TABLE STAGING.TRANSACTIONS")
    described = [(row[0], row[1], row[3]) for row in cursor.fetchall()]
    assert described == [(f.name.upper(), expected_type(f), "N" if f.not_null else "Y") for f in FIELDS]


def test_every_string_column_has_a_length():
    assert re.search(r"VARCHAR(?!\(\d+\))", snowflake_ddl("t")) is None


def test_good_record_inserts_and_null_in_required_column_fails(cursor):
    names = [f.name for f in FIELDS]
    insert = f"INSERT INTO STAGING.TRANSACTIONS ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
    good = example_transaction()
    cursor.execute(insert, [good[n] for n in names])
    cursor.execute("SELECT COUNT(*), MAX(amount) FROM STAGING.TRANSACTIONS")
    count, amount = cursor.fetchone()
    assert count == 1 and float(amount) == 42.5
    with pytest.raises(Exception, match="NOT NULL"):
        cursor.execute(insert, [(None if n == "currency" else good[n]) for n in names])
