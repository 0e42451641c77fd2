"""The derived Spark StructType agrees with the contract (no SparkSession except one marked test)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from fraud_platform.contract import FIELDS, Kind, example_transaction, spark_schema

pyspark_types = pytest.importorskip("pyspark.sql.types")

EXPECTED = {
    Kind.UUID: pyspark_types.StringType(),
    Kind.STRING: pyspark_types.StringType(),
    Kind.IP: pyspark_types.StringType(),
    Kind.TIMESTAMP: pyspark_types.TimestampType(),
    Kind.MONEY: pyspark_types.DecimalType(12, 2),
    Kind.DOUBLE: pyspark_types.DoubleType(),
    Kind.BOOLEAN: pyspark_types.BooleanType(),
    Kind.INTEGER: pyspark_types.IntegerType(),
}


def test_names_order_types_and_nullability_match_the_contract():
    schema = spark_schema()
    assert isinstance(schema, pyspark_types.StructType)
    assert [(s.name, s.dataType, s.nullable) for s in schema.fields] == [
        (f.name, EXPECTED[f.kind], f.nullable or not f.required) for f in FIELDS
    ]


def test_descriptions_become_column_comments():
    assert [s.metadata["comment"] for s in spark_schema().fields] == [f.description for f in FIELDS]


@pytest.mark.spark
def test_local_spark_reads_the_example_record(tmp_path):
    from pyspark.sql import SparkSession, functions as F

    path = tmp_path / "transactions.jsonl"
    path.write_text(json.dumps(example_transaction()) + "\n")
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("contract-test")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    try:
        frame = spark.read.schema(spark_schema()).option("mode", "FAILFAST").json(str(path))
        row = frame.select("*", F.unix_micros("event_time").alias("micros")).collect()[0]
    finally:
        spark.stop()
    expected_time = datetime(2024, 5, 1, 12, 34, 56, 789000, tzinfo=UTC)
    assert row["micros"] == int(expected_time.timestamp()) * 1_000_000 + 789000
    assert row["amount"] == Decimal("42.50")
    assert row["ip_address"] is None and row["is_fraud"] is False and row["schema_version"] == 1
    assert row["merchant_category"] == "Grocery Stores and Supermarkets"
