"""One warehouse session API over a DuckDB or a Snowflake DB-API connection.

Both use qmark (`?`) parameters, so the SQL the assets and checks write runs unchanged on
either. A day partition is replaced by DELETE + INSERT inside one transaction: readers see
the old day or the new day, never half of it, and re-running a day changes nothing.

Sessions run in UTC (DuckDB: SET TimeZone; Snowflake: the connection's TIMEZONE parameter):
the contract stores instants (TIMESTAMPTZ / TIMESTAMP_TZ), and casts of an instant to a day
follow the session time zone.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from fraud_platform.warehouse.tables import staging_ddl


class PartitionMismatch(ValueError):
    """Rows handed over for one day carry another (or no) value in the partition column."""


class WarehouseSession(ABC):
    dialect: str

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    @abstractmethod
    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]: ...

    @abstractmethod
    def fetch_df(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The result as a pandas DataFrame with lower-case column names."""

    @abstractmethod
    def _insert_arrow(self, table: str, columns: Sequence[str], data: pa.Table) -> None: ...

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def ensure_staging_tables(self) -> None:
        # PRODUCTION.FRAUD_PREDICTIONS too: the dbt model agg_model_performance_daily reads it as a
        # source, so it must exist (empty) before the first model has scored anything.
        from fraud_platform.ml.predictions_table import predictions_ddl

        for statement in [*staging_ddl(self.dialect), *predictions_ddl(self.dialect)]:
            self.execute(statement)

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.fetch(sql, params)[0][0]

    def replace_partition(
        self, table: str, date_column: str, day: date, data: pa.Table, columns: Sequence[str]
    ) -> int:
        """Make `data` the whole content of `table` for `day`; returns the rows inserted."""
        _require_single_day(data, date_column, day)
        with self.transaction():
            self.execute(f"DELETE FROM {table} WHERE {date_column} = ?", [day])
            if data.num_rows:
                self._insert_arrow(table, columns, data.select(list(columns)))
        return data.num_rows


def _require_single_day(data: pa.Table, date_column: str, day: date) -> None:
    matching = pc.sum(pc.equal(data[date_column], pa.scalar(day, pa.date32()))).as_py() or 0
    if matching != data.num_rows:
        raise PartitionMismatch(
            f"{data.num_rows - matching} of {data.num_rows} rows for {day} have another {date_column}"
        )


class DuckDBSession(WarehouseSession):
    dialect = "duckdb"

    def __init__(self, connection: Any) -> None:
        super().__init__(connection)
        # Not the connect-time config: DuckDB rejects TimeZone there before ICU is loaded.
        connection.execute("SET TimeZone = 'UTC'")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.connection.execute(sql, list(params))

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.connection.execute(sql, list(params)).fetchall()

    def fetch_df(self, sql: str, params: Sequence[Any] = ()) -> Any:
        frame = self.connection.execute(sql, list(params)).df()
        return frame.rename(columns=str.lower)

    def _insert_arrow(self, table: str, columns: Sequence[str], data: pa.Table) -> None:
        column_list = ", ".join(columns)
        self.connection.register("incoming_rows", data)
        try:
            self.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM incoming_rows")
        finally:
            self.connection.unregister("incoming_rows")

    def replace_partition_from_parquet(
        self, table: str, date_column: str, day: date, parquet_glob: str, columns: Sequence[str]
    ) -> int:
        """replace_partition() reading a local Parquet glob directly (no copy through Python)."""
        column_list = ", ".join(columns)
        source = "read_parquet(?, hive_partitioning = false)"
        with self.transaction():
            mismatched = self.scalar(
                f"SELECT count(*) FROM {source} WHERE {date_column} IS DISTINCT FROM ?", [parquet_glob, day]
            )
            if mismatched:
                raise PartitionMismatch(f"{mismatched} rows in {parquet_glob} have another {date_column} than {day}")
            self.execute(f"DELETE FROM {table} WHERE {date_column} = ?", [day])
            self.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {source}", [parquet_glob])
            return self.scalar(f"SELECT count(*) FROM {table} WHERE {date_column} = ?", [day])


class SnowflakeSession(WarehouseSession):
    """Rows go in through executemany (array binding with qmark parameters).

    Fine for a day of a demo or mid-sized feed; a large production feed would rather COPY INTO
    from an external stage on the S3 lake, which needs a storage integration set up in the
    Snowflake account (and which fakesnow cannot run).
    """

    dialect = "snowflake"

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, list(params))

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self.connection.cursor() as cursor:
            return cursor.execute(sql, list(params)).fetchall()

    def fetch_df(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self.connection.cursor() as cursor:
            frame = cursor.execute(sql, list(params)).fetch_pandas_all()
        return frame.rename(columns=str.lower)

    def _insert_arrow(self, table: str, columns: Sequence[str], data: pa.Table) -> None:
        placeholders = ", ".join("?" for _ in columns)
        rows = [tuple(row[c] for c in columns) for row in data.to_pylist()]
        with self.connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)
