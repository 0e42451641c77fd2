"""The root Definitions: per-domain definitions merged, resources bound once from settings."""

import dagster as dg

from fraud_platform.defs import dbt, lake, ml, platform, quality, sensors, warehouse
from fraud_platform.resources import build_resources
from fraud_platform.settings import Settings

defs = dg.Definitions.merge(
    platform.defs(),
    lake.defs(),
    sensors.defs(),
    warehouse.defs(),
    dbt.defs(),
    quality.defs(),
    ml.defs(),
    dg.Definitions(resources=build_resources(Settings.from_env())),
)
