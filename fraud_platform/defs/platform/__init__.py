import dagster as dg

from fraud_platform.defs.platform.assets import platform_health


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[platform_health])
