"""Sensor on landed files: one run per affected day, for that day's daily assets.

Why a sensor plus one job rather than automation conditions: the whole daily chain (raw →
processed → sandbox → staging → dbt, with blocking checks in between) runs in one run per day,
so a failing blocking check stops everything downstream in the same run, and a day's new files
always trigger exactly one run (run key = that day's file set).
"""


import dagster as dg

from fraud_platform.defs.lake.resources import LakeResource
from fraud_platform.defs.partitions import daily_partitions
from fraud_platform.lake.landed_cursor import LandedCursor, advance, files_by_day, run_key
from fraud_platform.lake.layout import RAW_PREFIX

daily_lake_job = dg.define_asset_job(
    name="daily_pipeline",
    # The daily chain; the model (group ml) is trained on demand and scores once it exists.
    selection=dg.AssetSelection.assets("raw_transactions", "staging_invalid_transactions").downstream()
    - dg.AssetSelection.groups("ml") - dg.AssetSelection.assets("agg_model_performance_daily"),
    # One process per run: the day's Spark stages share one Spark session instead of each step
    # starting its own JVM.
    executor_def=dg.in_process_executor,
    description="Every daily asset for one day, started by the landed-files sensor.",
)


@dg.sensor(job=daily_lake_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def landed_files_sensor(context: dg.SensorEvaluationContext, lake: LakeResource) -> dg.SensorResult:
    listing = [o for o in lake.storage().list(RAW_PREFIX + "/") if o.key.endswith(".jsonl.gz")]
    fresh, cursor = advance(LandedCursor.from_json(context.cursor), listing)
    all_by_day = files_by_day(listing)
    known_days = set(daily_partitions.get_partition_keys())
    requests, skipped = [], []
    for day in sorted(files_by_day(fresh)):
        if day not in known_days:
            skipped.append(day)
            continue
        requests.append(dg.RunRequest(run_key=run_key(day, all_by_day[day]), partition_key=day,
                                      tags={"fraud_platform/trigger": "landed_files"}))
    if skipped:
        context.log.warning(f"files landed for days outside the partitions ({', '.join(skipped)}); "
                            "set FRAUD_PARTITIONS_START earlier to process them")
    return dg.SensorResult(run_requests=requests, cursor=cursor.to_json())
