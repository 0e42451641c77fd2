"""raw → processed: parse with the contract's schema, deduplicate, convert, derive features."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from fraud_platform.contract import spark_schema
from fraud_platform.lake.fx_rates import rate_to
from fraud_platform.lake.processed_columns import PROCESSED_COLUMN_NAMES


def raw_read_schema() -> StructType:
    """The contract schema with event_time read as text, then cast: Spark's JSON timestamp
    format does not accept every RFC 3339 form the contract allows (e.g. 6 fraction digits)."""
    return StructType([
        StructField(f.name, StringType(), f.nullable) if f.name == "event_time" else f
        for f in spark_schema().fields
    ])


def read_raw(spark: SparkSession, paths: list[str]) -> DataFrame:
    # FAILFAST: the lander writes only validated records, so a row that does not parse means a
    # corrupted file, and the run must stop and say so rather than drop it.
    return spark.read.schema(raw_read_schema()).option("mode", "FAILFAST").json(paths)


def process(raw: DataFrame, day: str, reporting_currency: str) -> DataFrame:
    spark = raw.sparkSession
    rates = spark.createDataFrame(
        [(code, str(rate)) for code, rate in rate_to(reporting_currency).items()], "currency string, rate string"
    ).select("currency", F.col("rate").cast("decimal(20,10)").alias("rate"))
    ts = F.col("event_time")
    weekday = ((F.dayofweek(ts) + 5) % 7) + 1  # Spark: 1 = Sunday; ISO: 1 = Monday
    df = (
        raw.withColumn("event_time", F.col("event_time").cast("timestamp"))
        .dropDuplicates(["transaction_id"])
        .join(F.broadcast(rates), on="currency", how="left")
        .withColumn("event_date", F.to_date(ts))
        .withColumn("amount_reporting", F.round(F.col("amount") * F.col("rate"), 2).cast("decimal(14,2)"))
        .withColumn("reporting_currency", F.lit(reporting_currency))
        .withColumn("event_hour", F.hour(ts))
        .withColumn("event_weekday", weekday)
        .withColumn("is_night", F.hour(ts) <= 6)
        .withColumn("is_weekend", weekday >= 6)
        .withColumn("is_cross_border", F.col("country") != F.col("customer_country"))
    )
    return df.where(F.col("event_date") == F.lit(day).cast("date")).select(*PROCESSED_COLUMN_NAMES)


def write_day(df: DataFrame, path: str, files: int = 1) -> None:
    """Overwrite exactly one day's directory, so a re-run replaces that day and nothing else."""
    df.coalesce(files).write.mode("overwrite").parquet(path)
