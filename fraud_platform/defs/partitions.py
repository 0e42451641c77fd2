"""The one daily partitioning shared by every daily asset: UTC calendar days."""

import dagster as dg

from fraud_platform.settings import Settings

daily_partitions = dg.DailyPartitionsDefinition(
    start_date=Settings.from_env().dagster.partitions_start, timezone="UTC", end_offset=0
)
