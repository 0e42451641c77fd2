"""End to end on the embedded profile (local lake + DuckDB, in-memory Dagster instance):
generator → Kafka → validator → lander → sensor tick → daily runs → PRODUCTION tables with
exactly the expected counts."""

from __future__ import annotations

import pytest

from .pipeline_flow import assert_exact_counts, generate_to_production

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("services_stack")]


def test_generator_to_production_tables(settings, tmp_path):
    flow = generate_to_production(settings, tmp_path, {"FRAUD_PROFILE": "embedded",
                                                       "FRAUD_LAKE_ROOT": str(tmp_path / "lake")})
    assert_exact_counts(flow)
    assert flow.storage == "SqliteRunStorage" and flow.recorded_runs == 3
