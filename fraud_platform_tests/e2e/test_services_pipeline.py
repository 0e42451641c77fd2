"""End to end on the services profile: the lake in the S3 server (the lander PUTs, the sensor
lists, Spark reads over s3a) and Dagster's run and event storage in PostgreSQL (the repository's
dagster.yaml, as the stack's webserver and daemon use it): generator → Kafka → validator →
lander → sensor tick → daily runs → PRODUCTION tables with exactly the expected counts."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

from fraud_platform.settings import Settings
from fraud_platform.stack.dagster_services import postgres_storage_env
from fraud_platform.stack.s3_server import s3_client

from .pipeline_flow import assert_exact_counts, generate_to_production

pytestmark = [pytest.mark.services, pytest.mark.spark, pytest.mark.usefixtures("services_stack")]
REPO = Path(__file__).resolve().parents[2]


def _admin_sql(settings: Settings, statement: sql.Composable) -> None:
    pg = settings.postgres
    connection = psycopg2.connect(host=pg.host, port=pg.port, user=pg.user, password=pg.password, dbname="postgres")
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction block
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


@pytest.fixture
def dagster_database(settings: Settings) -> Iterator[str]:
    """A fresh PostgreSQL database for this test's Dagster instance, dropped afterwards."""
    name = f"dagster_e2e_{uuid.uuid4().hex[:8]}"
    _admin_sql(settings, sql.SQL("create database {}").format(sql.Identifier(name)))
    yield name
    _admin_sql(settings, sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


@pytest.fixture
def lake_prefix(settings: Settings) -> Iterator[str]:
    prefix = f"e2e-{uuid.uuid4().hex[:10]}"
    yield prefix
    client = s3_client(settings.s3)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=settings.s3.lake_bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            client.delete_object(Bucket=settings.s3.lake_bucket, Key=obj["Key"])


def test_generator_to_production_tables_on_s3_and_postgres(settings, tmp_path, dagster_database, lake_prefix):
    home = tmp_path / "dagster-home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    flow = generate_to_production(settings, tmp_path, {
        "FRAUD_PROFILE": "services",
        "FRAUD_LAKE_ROOT": f"s3://{settings.s3.lake_bucket}/{lake_prefix}",
        "DAGSTER_HOME": str(home),
        # dagster.yaml reads its connection from these, as the stack's webserver and daemon do.
        **postgres_storage_env(settings.postgres, dagster_database),
    })
    assert_exact_counts(flow)
    assert flow.storage == "PostgresRunStorage" and flow.recorded_runs == 3
    landed = s3_client(settings.s3).list_objects_v2(Bucket=settings.s3.lake_bucket,
                                                    Prefix=f"{lake_prefix}/raw/transactions/")
    assert landed["KeyCount"] > 0
