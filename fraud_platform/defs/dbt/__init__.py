import dagster as dg


def defs() -> dg.Definitions:
    # Imported when called: loading the assets reads the prepared dbt manifest.
    from fraud_platform.defs.dbt.assets import fraud_dbt_models

    return dg.Definitions(assets=[fraud_dbt_models])
