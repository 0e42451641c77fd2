"""The `warehouse` resource: one key, DuckDB (embedded default) or Snowflake (production).

Both wrap Dagster's own resource (DuckDBResource, SnowflakeResource) and hand out a
WarehouseSession, so assets and checks never branch on the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
from dagster_snowflake import SnowflakeResource

from fraud_platform.settings import WarehouseSettings
from fraud_platform.warehouse.session import DuckDBSession, SnowflakeSession, WarehouseSession

# Relative FRAUD_DUCKDB_PATH values are relative to the repository root, for Dagster and dbt alike.
REPO_ROOT = Path(__file__).resolve().parents[3]


class WarehouseResource(dg.ConfigurableResource):
    """Interface of the two implementations below; assets annotate their parameter with it."""

    @property
    def kind(self) -> str:
        raise NotImplementedError(type(self).__name__)

    def session(self) -> AbstractContextManager[WarehouseSession]:
        raise NotImplementedError(type(self).__name__)


class DuckDBWarehouse(WarehouseResource):
    duckdb: DuckDBResource

    @property
    def kind(self) -> str:
        return "duckdb"

    @contextmanager
    def session(self) -> Iterator[WarehouseSession]:
        if self.duckdb.database != ":memory:":
            Path(self.duckdb.database).parent.mkdir(parents=True, exist_ok=True)
        # get_connection() retries while another process holds the file's write lock.
        with self.duckdb.get_connection() as connection:
            yield DuckDBSession(connection)


class SnowflakeWarehouse(WarehouseResource):
    snowflake: SnowflakeResource

    @property
    def kind(self) -> str:
        return "snowflake"

    @contextmanager
    def session(self) -> Iterator[WarehouseSession]:
        with self.snowflake.get_connection() as connection:
            yield SnowflakeSession(connection)


def duckdb_database_path(path: str) -> str:
    return path if path == ":memory:" or Path(path).is_absolute() else str(REPO_ROOT / path)


def build_warehouse_resource(warehouse: WarehouseSettings, secret_in_env: bool) -> WarehouseResource:
    if warehouse.kind == "duckdb":
        return DuckDBWarehouse(duckdb=DuckDBResource(database=duckdb_database_path(warehouse.duckdb_path)))
    if warehouse.kind == "snowflake":
        return SnowflakeWarehouse(
            snowflake=SnowflakeResource(
                account=warehouse.snowflake_account, user=warehouse.snowflake_user,
                # Read at run time so the secret never appears in the Dagster UI.
                password=dg.EnvVar("FRAUD_SNOWFLAKE_PASSWORD") if secret_in_env else warehouse.snowflake_password,
                role=warehouse.snowflake_role, database=warehouse.snowflake_database,
                warehouse=warehouse.snowflake_warehouse,
                # Sessions in UTC (TIMESTAMP_TZ day boundaries); qmark, the parameter style DuckDB shares.
                timezone="UTC", paramstyle="qmark",
            )
        )
    raise ValueError(f"FRAUD_WAREHOUSE={warehouse.kind!r} is unknown; use duckdb or snowflake")
