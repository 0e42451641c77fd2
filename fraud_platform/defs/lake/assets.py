"""The lake stages as daily assets: raw (landed by the lander) → processed → sandbox (PySpark).

Every daily asset takes a range of days in one run (`BackfillPolicy.single_run()`, shared by the
whole daily chain including dbt) and works day by day inside it, so a multi-day backfill writes
exactly what day-by-day runs write, with one Spark session.
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

def daily_asset(name: str, *, description: str, kinds: set[str], deps=()):
    """A daily lake asset that takes a range of days per run. multi_asset with one spec, because
    `backfill_policy` on @asset is still flagged beta in Dagster 1.13."""
    return dg.multi_asset(
        specs=[dg.AssetSpec(name, description=description, kinds=kinds, deps=list(deps), group_name="lake")],
        partitions_def=daily_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        name=name,
    )


def _landed(lake: LakeResource, day: str):
    return sorted(o for o in lake.storage().list(day_prefix(RAW_PREFIX, day) + "/") if o.key.endswith(".jsonl.gz"))


def _result(per_day: dict[str, dict]) -> dg.MaterializeResult:
    """One day: its figures. Several: totals of the numeric figures plus each day's figures."""
    if len(per_day) == 1:
        return dg.MaterializeResult(metadata=next(iter(per_day.values())))
    numeric = {k for figures in per_day.values() for k, v in figures.items() if isinstance(v, int)}
    totals = {k: sum(f.get(k, 0) for f in per_day.values()) for k in sorted(numeric)}
    return dg.MaterializeResult(metadata={**totals, "days": dg.MetadataValue.json(per_day)})


@daily_asset("raw_transactions", kinds={"kafka", "s3"},
             description="Validated transactions landed by fraud-lander under raw/transactions/dt=<day>/ "
                      "(exactly-once files).")
def raw_transactions(context: dg.AssetExecutionContext, lake: LakeResource) -> dg.MaterializeResult:
    storage = lake.storage()
    per_day = {}
    for day in context.partition_keys:
        files = _landed(lake, day)
        if not files:
            context.log.warning(f"no landed files for {day} under {lake.root}/{day_prefix(RAW_PREFIX, day)}")
        per_day[day] = {"files": len(files), "bytes": sum(o.size for o in files),
                        "records": sum(storage.count_jsonl_gz_records(o.key) for o in files),
                        "path": f"{lake.root}/{day_prefix(RAW_PREFIX, day)}"}
    return _result(per_day)


@daily_asset("processed_transactions", deps=["raw_transactions"], kinds={"spark", "parquet"},
             description="Parsed with the contract's Spark schema, deduplicated on transaction_id, amounts in the "
                      "reporting currency, time features and cross-border flag; Parquet under processed/ per day.")
def processed_transactions(
    context: dg.AssetExecutionContext, lake: LakeResource, pyspark: PySparkResource
) -> dg.MaterializeResult:
    from pyspark.sql import functions as F

    from fraud_platform.lake.spark.processed import process, raw_read_schema, read_raw, write_day

    spark = pyspark.spark_session
    reporting_currency = Settings.from_env().spark.reporting_currency
    per_day = {}
    for day in context.partition_keys:
        files = _landed(lake, day)
        if files:
            raw = read_raw(spark, [spark_uri(lake.storage().uri(o.key)) for o in files])
        else:
            # A day without traffic is processed as empty, so a backfill over it stays consistent.
            context.log.warning(f"no landed files for {day} in {lake.root}/{day_prefix(RAW_PREFIX, day)}: "
                                "writing an empty day (is fraud-lander running, is FRAUD_LAKE_ROOT right?)")
            raw = spark.createDataFrame([], raw_read_schema())
        # The JSON is parsed once: cached for the count, then transformed and written; the day's
        # figures are read back from its (columnar, small) Parquet rather than recomputed.
        raw = raw.cache()
        try:
            raw_count = raw.count()
            out = spark_uri(f"{lake.root}/{day_prefix(PROCESSED_PREFIX, day)}")
            write_day(process(raw, day, reporting_currency), out)
            stats = spark.read.parquet(out).agg(
                F.count("transaction_id").alias("rows"),
                F.sum(F.col("is_fraud").cast("int")).alias("fraud_rows"),
                F.count("amount_reporting").alias("converted"),
            ).collect()[0]
        finally:
            raw.unpersist()
        context.log.info(f"processed {day}: {stats['rows']} rows")
        per_day[day] = {"rows": stats["rows"], "raw_records": raw_count, "duplicates_removed": raw_count - stats["rows"],
                        "fraud_rows": int(stats["fraud_rows"] or 0),
                        "rows_without_fx_rate": stats["rows"] - stats["converted"], "path": out}
    return _result(per_day)


@daily_asset("sandbox_features", kinds={"spark", "parquet"},
             deps=[dg.AssetDep("processed_transactions",
                               partition_mapping=dg.TimeWindowPartitionMapping(start_offset=-LOOKBACK_DAYS))],
             description="Point-in-time features (Fraud Detection Handbook): customer counts and average amounts over "
                      "1/7/30 days, terminal risk over 1/7/30 days behind a 7-day label delay, device and country "
                      "novelty; Parquet under sandbox/ per day.")
def sandbox_features(
    context: dg.AssetExecutionContext, lake: LakeResource, pyspark: PySparkResource
) -> dg.MaterializeResult:
    from fraud_platform.lake.spark.features import features_for_day

    spark = pyspark.spark_session
    available = sorted({
        o.key.split("/")[2] for o in lake.storage().list(PROCESSED_PREFIX + "/") if o.key.endswith(".parquet")
    })
    per_day = {}
    for day in context.partition_keys:
        first = f"dt={(date.fromisoformat(day) - timedelta(days=LOOKBACK_DAYS)).isoformat()}"
        history = [d for d in available if first <= d <= f"dt={day}"]
        if f"dt={day}" not in history:
            raise dg.Failure(f"processed_transactions for {day} is missing; materialize it first")
        paths = [spark_uri(f"{lake.root}/{PROCESSED_PREFIX}/{d}") for d in history]
        out = spark_uri(f"{lake.root}/{day_prefix(SANDBOX_PREFIX, day)}")
        features_for_day(spark.read.parquet(*paths), day).coalesce(1).write.mode("overwrite").parquet(out)
        per_day[day] = {"rows": spark.read.parquet(out).count(), "history_days_available": len(history),
                        "history_days_wanted": LOOKBACK_DAYS + 1, "path": out}
    return _result(per_day)
