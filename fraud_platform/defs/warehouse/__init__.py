import dagster as dg

from fraud_platform.settings import Settings


def defs() -> dg.Definitions:
    # Imported here, not at module level: fraud_platform.resources imports this package's
    # resources module, and the assets import fraud_platform.resources (ElasticsearchResource).
    from fraud_platform.defs.warehouse.staging_invalid_transactions import build_staging_invalid_transactions
    from fraud_platform.defs.warehouse.staging_transactions import build_staging_transactions

    settings = Settings.from_env()
    kind = settings.warehouse.kind
    return dg.Definitions(
        assets=[
            build_staging_transactions(kind),
            build_staging_invalid_transactions(kind, settings.elasticsearch.invalid_index),
        ]
    )
