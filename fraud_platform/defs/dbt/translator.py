"""How dbt nodes appear in Dagster: keys = model names, one `dbt` group.

Sources map to the STAGING assets through meta.dagster.asset_key in _sources.yml. Source tests
(derived from the contract) stay dbt tests, NOT Dagster checks: an op that checks an upstream
asset is exempt from that asset's blocking checks (dagster asset_job.build_node_deps), so with
source tests as checks the dbt op would no longer wait for the Great Expectations gate on
staging_transactions.
"""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator


class FraudDbtTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        # Model names are unique; the PRODUCTION schema prefix would only add noise to the keys.
        return dg.AssetKey(dbt_resource_props["name"])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_group_name(dbt_resource_props)
        return "dbt"
