"""The one daily partitioning shared by every daily asset: UTC calendar days.

end_offset=1 includes today: live traffic is processed as it lands (each new file set for the
day starts a new run, which overwrites the day), instead of waiting for midnight.
"""

import dagster as dg

from fraud_platform.settings import Settings

daily_partitions = dg.DailyPartitionsDefinition(
    start_date=Settings.from_env().dagster.partitions_start, timezone="UTC", end_offset=1
)
