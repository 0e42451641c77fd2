"""The lake stages as daily assets: raw (landed by the lander) → processed → sandbox (PySpark).

No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
"""


from datetime import date, timedelta

import dagster as dg
from dagster_pyspark import PySparkResource

from fraud_platform.defs.lake.resources import LakeResource
from fraud_platform.defs.partitions import daily_partitions
from fraud_platform.lake.layout import PROCESSED_PREFIX, RAW_PREFIX, SANDBOX_PREFIX, day_prefix
from fraud_platform.lake.spark.features import LOOKBACK_DAYS
from fraud_platform.lake.spark.session_config import spark_uri
from fraud_platform.settings import Settings


def _landed(lake: LakeResource, day: str):
    return sorted(o for o in lake.storage().list(day_prefix(RAW_PREFIX, day) + "/") if o.key.endswith(".jsonl.gz"))


@dg.asset(
    partitions_def=daily_partitions,
    group_name="lake",
    kinds={"kafka", "s3"},
    description="Validated transactions landed by fraud-lander under raw/transactions/dt=<day>/ (exactly-once files).",
)
def raw_transactions(context: dg.AssetExecutionContext, lake: LakeResource) -> dg.MaterializeResult:
    day = context.partition_key
    files = _landed(lake, day)
    storage = lake.storage()
    records = sum(storage.count_jsonl_gz_records(o.key) for o in files)
    if not files:
        context.log.warning(f"no landed files for {day} under {lake.root}/{day_prefix(RAW_PREFIX, day)}")
    return dg.MaterializeResult(metadata={
        "files": len(files), "bytes": sum(o.size for o in files), "records": records,
        "path": f"{lake.root}/{day_prefix(RAW_PREFIX, day)}",
    })


@dg.asset(
    partitions_def=daily_partitions,
    deps=[raw_transactions],
    group_name="lake",
    kinds={"spark", "parquet"},
    description="Parsed with the contract's Spark schema, deduplicated on transaction_id, amounts in the "
                "reporting currency, time features and cross-border flag; Parquet under processed/ for the day.",
)
def processed_transactions(
    context: dg.AssetExecutionContext, lake: LakeResource, pyspark: PySparkResource
) -> dg.MaterializeResult:
    from pyspark.sql import functions as F

    from fraud_platform.lake.spark.processed import process, read_raw, write_day

    day = context.partition_key
    files = _landed(lake, day)
    if not files:
        raise dg.Failure(f"no landed files for {day} in {lake.root}/{day_prefix(RAW_PREFIX, day)}; "
                         "run fraud-lander (or check FRAUD_LAKE_ROOT) before processing this day")
    spark = pyspark.spark_session
    raw = read_raw(spark, [spark_uri(lake.storage().uri(o.key)) for o in files])
    processed = process(raw, day, Settings.from_env().spark.reporting_currency).cache()
    try:
        out = spark_uri(f"{lake.root}/{day_prefix(PROCESSED_PREFIX, day)}")
        write_day(processed, out)
        stats = processed.agg(
            F.count("transaction_id").alias("rows"),
            F.sum(F.col("is_fraud").cast("int")).alias("fraud_rows"),
            F.count("amount_reporting").alias("converted"),
        ).collect()[0]
        raw_count = raw.count()
    finally:
        processed.unpersist()
    rows = stats["rows"]
    return dg.MaterializeResult(metadata={
        "rows": rows, "raw_records": raw_count, "duplicates_removed": raw_count - rows,
        "fraud_rows": int(stats["fraud_rows"] or 0), "rows_without_fx_rate": rows - stats["converted"], "path": out,
    })


@dg.asset(
    partitions_def=daily_partitions,
    deps=[dg.AssetDep(processed_transactions,
                      partition_mapping=dg.TimeWindowPartitionMapping(start_offset=-LOOKBACK_DAYS, end_offset=0))],
    group_name="lake",
    kinds={"spark", "parquet"},
    description="Point-in-time features (Fraud Detection Handbook): customer counts and average amounts over "
                "1/7/30 days, terminal risk over 1/7/30 days behind a 7-day label delay, device and country "
                "novelty; Parquet under sandbox/ for the day.",
)
def sandbox_features(
    context: dg.AssetExecutionContext, lake: LakeResource, pyspark: PySparkResource
) -> dg.MaterializeResult:
    from fraud_platform.lake.spark.features import features_for_day

    day = context.partition_key
    first = (date.fromisoformat(day) - timedelta(days=LOOKBACK_DAYS)).isoformat()
    storage = lake.storage()
    history_days = sorted({
        o.key.split("/")[2] for o in storage.list(PROCESSED_PREFIX + "/")
        if o.key.endswith(".parquet") and f"dt={first}" <= o.key.split("/")[2] <= f"dt={day}"
    })
    if f"dt={day}" not in history_days:
        raise dg.Failure(f"processed_transactions for {day} is missing; materialize it first")
    spark = pyspark.spark_session
    paths = [spark_uri(f"{lake.root}/{PROCESSED_PREFIX}/{d}") for d in history_days]
    features = features_for_day(spark.read.parquet(*paths), day)
    out = spark_uri(f"{lake.root}/{day_prefix(SANDBOX_PREFIX, day)}")
    features.coalesce(1).write.mode("overwrite").parquet(out)
    rows = spark.read.parquet(out).count()
    return dg.MaterializeResult(metadata={
        "rows": rows, "history_days_available": len(history_days), "history_days_wanted": LOOKBACK_DAYS + 1,
        "path": out,
    })
