import dagster as dg

from fraud_platform.defs.sensors.landed_files import daily_lake_job, landed_files_sensor


def defs() -> dg.Definitions:
    return dg.Definitions(jobs=[daily_lake_job], sensors=[landed_files_sensor])
