"""DuckDB warehouse session: DDL from the contract, DELETE + INSERT per day, atomic on failure."""

from datetime import date

import duckdb
import pyarrow as pa
import pytest
from dagster_duckdb import DuckDBResource

from fraud_platform.defs.warehouse.resources import DuckDBWarehouse
from fraud_platform.lake.processed_columns import PROCESSED_COLUMN_NAMES
from fraud_platform.lake.storage import LocalLakeStorage
from fraud_platform.warehouse.session import PartitionMismatch
from fraud_platform.warehouse.staging_load import ProcessedDayMissing, load_processed_day
from fraud_platform.warehouse.tables import DATE_COLUMN, STAGING_TRANSACTIONS, TRANSACTION_COLUMNS
from fraud_platform_tests.warehouse.data import PROCESSED_SCHEMA, day_rows, write_processed

DAY, OTHER = date(2024, 5, 1), date(2024, 5, 2)


@pytest.fixture
def warehouse(tmp_path):
    return DuckDBWarehouse(duckdb=DuckDBResource(database=str(tmp_path / "wh" / "warehouse.duckdb")))


def _count(session, day):
    return session.scalar(f"SELECT count(*) FROM {STAGING_TRANSACTIONS} WHERE event_date = ?", [day])


def test_staging_table_has_the_processed_columns_in_order_and_utc_session(warehouse):
    with warehouse.session() as s:
        s.ensure_staging_tables()
        s.ensure_staging_tables()  # idempotent
        columns = [r[0] for r in s.fetch("SELECT column_name FROM information_schema.columns "
                                         "WHERE table_schema = 'STAGING' AND table_name = 'TRANSACTIONS' "
                                         "ORDER BY ordinal_position")]
        assert tuple(columns) == PROCESSED_COLUMN_NAMES
        assert s.scalar("SELECT current_setting('TimeZone')") == "UTC"


def test_replace_partition_is_idempotent_and_leaves_other_days_alone(warehouse):
    with warehouse.session() as s:
        s.ensure_staging_tables()
        other = pa.Table.from_pylist(day_rows(OTHER, 5), schema=PROCESSED_SCHEMA)
        s.replace_partition(STAGING_TRANSACTIONS, DATE_COLUMN, OTHER, other, TRANSACTION_COLUMNS)
        day = pa.Table.from_pylist(day_rows(DAY, 12), schema=PROCESSED_SCHEMA)
        for _ in range(2):
            assert s.replace_partition(STAGING_TRANSACTIONS, DATE_COLUMN, DAY, day, TRANSACTION_COLUMNS) == 12
        assert (_count(s, DAY), _count(s, OTHER)) == (12, 5)
        smaller = pa.Table.from_pylist(day_rows(DAY, 3), schema=PROCESSED_SCHEMA)
        s.replace_partition(STAGING_TRANSACTIONS, DATE_COLUMN, DAY, smaller, TRANSACTION_COLUMNS)
        assert (_count(s, DAY), _count(s, OTHER)) == (3, 5)


def test_rows_of_another_day_are_refused_and_nothing_changes(warehouse, tmp_path):
    with warehouse.session() as s:
        s.ensure_staging_tables()
        good = pa.Table.from_pylist(day_rows(DAY, 4), schema=PROCESSED_SCHEMA)
        s.replace_partition(STAGING_TRANSACTIONS, DATE_COLUMN, DAY, good, TRANSACTION_COLUMNS)
        mixed = pa.Table.from_pylist(day_rows(DAY, 2) + day_rows(OTHER, 1), schema=PROCESSED_SCHEMA)
        with pytest.raises(PartitionMismatch, match="1 of 3 rows"):
            s.replace_partition(STAGING_TRANSACTIONS, DATE_COLUMN, DAY, mixed, TRANSACTION_COLUMNS)
        lake = tmp_path / "lake"
        write_processed(lake, DAY, day_rows(DAY, 2) + day_rows(OTHER, 1))
        with pytest.raises(PartitionMismatch, match="1 rows"):
            load_processed_day(s, LocalLakeStorage(str(lake)), DAY)
        assert _count(s, DAY) == 4


def test_load_reads_every_parquet_file_of_the_day_and_names_a_missing_day(warehouse, tmp_path):
    lake = tmp_path / "lake"
    rows = day_rows(DAY, 10)
    write_processed(lake, DAY, rows[:6], part=0)
    write_processed(lake, DAY, rows[6:], part=1)
    with warehouse.session() as s:
        s.ensure_staging_tables()
        assert load_processed_day(s, LocalLakeStorage(str(lake)), DAY) == 10
        with pytest.raises(ProcessedDayMissing, match="dt=2024-05-02"):
            load_processed_day(s, LocalLakeStorage(str(lake)), OTHER)


def test_a_failed_statement_inside_a_transaction_rolls_back(warehouse):
    with warehouse.session() as s:
        s.ensure_staging_tables()
        day = pa.Table.from_pylist(day_rows(DAY, 4), schema=PROCESSED_SCHEMA)
        s.replace_partition(STAGING_TRANSACTIONS, DATE_COLUMN, DAY, day, TRANSACTION_COLUMNS)
        with pytest.raises(duckdb.Error):
            with s.transaction():
                s.execute(f"DELETE FROM {STAGING_TRANSACTIONS} WHERE event_date = ?", [DAY])
                s.execute(f"INSERT INTO {STAGING_TRANSACTIONS} (transaction_id) VALUES ('x')")  # NOT NULL fails
        assert _count(s, DAY) == 4
