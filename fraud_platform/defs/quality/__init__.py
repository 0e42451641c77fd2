import dagster as dg

from fraud_platform.settings import Settings


def defs() -> dg.Definitions:
    # Imported when called, like the warehouse domain (fraud_platform.resources imports from there).
    from fraud_platform.defs.quality.contract_expectations import build_contract_expectation_checks
    from fraud_platform.defs.quality.reconciliation import reconciliation_landed_staged_modelled
    from fraud_platform.warehouse.expectations import QualityBounds

    bounds = QualityBounds.from_settings(Settings.from_env().quality)
    return dg.Definitions(
        asset_checks=[*build_contract_expectation_checks(bounds), reconciliation_landed_staged_modelled]
    )
