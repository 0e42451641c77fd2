import dagster as dg

from fraud_platform.defs.lake.assets import processed_transactions, raw_transactions, sandbox_features


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[raw_transactions, processed_transactions, sandbox_features])
