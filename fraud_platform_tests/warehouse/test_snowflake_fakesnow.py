"""The Snowflake warehouse resource against fakesnow (Snowflake SQL on DuckDB).

fakesnow cannot show: real TIMESTAMP_TZ binding and storage, VARCHAR(n) enforcement, the
TIMEZONE session parameter's effect, array-binding limits, locking/isolation, COPY INTO or
warehouse (compute) settings. See the module docstring of fraud_platform.warehouse.session
and README "Snowflake".
"""

from datetime import date

import fakesnow
import pyarrow as pa
import pytest
from dagster_snowflake import SnowflakeResource

from fraud_platform.defs.warehouse.resources import SnowflakeWarehouse, build_warehouse_resource
from fraud_platform.lake.processed_columns import PROCESSED_COLUMN_NAMES
from fraud_platform.lake.storage import LocalLakeStorage
from fraud_platform.settings import WarehouseSettings
from fraud_platform.warehouse.session import PartitionMismatch
from fraud_platform.warehouse.staging_load import load_processed_day
from fraud_platform.warehouse.tables import DATE_COLUMN, STAGING_TRANSACTIONS, TRANSACTION_COLUMNS
from fraud_platform_tests.warehouse.data import PROCESSED_SCHEMA, day_rows, write_processed

DAY, OTHER = date(2024, 5, 1), date(2024, 5, 2)


@pytest.fixture
def warehouse():
    with fakesnow.patch():
        resource = build_warehouse_resource(
            WarehouseSettings(kind="snowflake", snowflake_account="fake", snowflake_user="fake",
                              snowflake_password="fake"),
            secret_in_env=False,
        )
        assert isinstance(resource, SnowflakeWarehouse)
        yield resource


def _count(session, day):
    return session.scalar(f"SELECT count(*) FROM {STAGING_TRANSACTIONS} WHERE event_date = ?", [day])


def test_settings_give_a_utc_qmark_snowflake_resource(warehouse):
    snowflake: SnowflakeResource = warehouse.snowflake
    assert (snowflake.timezone, snowflake.paramstyle, snowflake.database) == ("UTC", "qmark", "FRAUD")


def test_staging_ddl_and_partition_replace(warehouse, tmp_path):
    lake = tmp_path / "lake"
    write_processed(lake, DAY, day_rows(DAY, 8, frauds=2))
    with warehouse.session() as s:
        s.ensure_staging_tables()
        s.ensure_staging_tables()
        columns = [c.lower() for c in s.fetch_df(f"SELECT * FROM {STAGING_TRANSACTIONS} LIMIT 0").columns]
        assert tuple(columns) == PROCESSED_COLUMN_NAMES
        other = pa.Table.from_pylist(day_rows(OTHER, 3), schema=PROCESSED_SCHEMA)
        s.replace_partition(STAGING_TRANSACTIONS, DATE_COLUMN, OTHER, other, TRANSACTION_COLUMNS)
        for _ in range(2):  # Snowflake reads the lake through Arrow, not read_parquet
            assert load_processed_day(s, LocalLakeStorage(str(lake)), DAY) == 8
        assert (_count(s, DAY), _count(s, OTHER)) == (8, 3)
        frame = s.fetch_df(f"SELECT * FROM {STAGING_TRANSACTIONS} WHERE event_date = ? ORDER BY event_time", [DAY])
        assert int(frame["is_fraud"].sum()) == 2
        assert str(frame["event_time"].iloc[0]) == "2024-05-01 00:00:00+00:00"
        assert sorted(frame["transaction_id"]) == sorted(r["transaction_id"] for r in day_rows(DAY, 8))


def test_mismatched_day_is_refused_before_anything_changes(warehouse):
    with warehouse.session() as s:
        s.ensure_staging_tables()
        good = pa.Table.from_pylist(day_rows(DAY, 4), schema=PROCESSED_SCHEMA)
        s.replace_partition(STAGING_TRANSACTIONS, DATE_COLUMN, DAY, good, TRANSACTION_COLUMNS)
        mixed = pa.Table.from_pylist(day_rows(OTHER, 2), schema=PROCESSED_SCHEMA)
        with pytest.raises(PartitionMismatch):
            s.replace_partition(STAGING_TRANSACTIONS, DATE_COLUMN, DAY, mixed, TRANSACTION_COLUMNS)
        assert _count(s, DAY) == 4


def test_rollback_restores_the_day(warehouse):
    with warehouse.session() as s:
        s.ensure_staging_tables()
        good = pa.Table.from_pylist(day_rows(DAY, 4), schema=PROCESSED_SCHEMA)
        s.replace_partition(STAGING_TRANSACTIONS, DATE_COLUMN, DAY, good, TRANSACTION_COLUMNS)
        with pytest.raises(RuntimeError):
            with s.transaction():
                s.execute(f"DELETE FROM {STAGING_TRANSACTIONS} WHERE event_date = ?", [DAY])
                raise RuntimeError("load failed half-way")
        assert _count(s, DAY) == 4


def test_unknown_warehouse_kind_is_named():
    with pytest.raises(ValueError, match="FRAUD_WAREHOUSE='bigquery'"):
        build_warehouse_resource(WarehouseSettings(kind="bigquery"), secret_in_env=False)
