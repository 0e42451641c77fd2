"""Lake Parquet → STAGING → dbt PRODUCTION marts → blocking checks, on a temp DuckDB file.

dbt reads FRAUD_DUCKDB_PATH (its profile), so each warehouse sets it while its runs execute.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from fraud_platform_tests.warehouse.data import day_rows, write_processed, write_raw
from fraud_platform_tests.warehouse.pipeline import materialize

DAYS = [date(2024, 5, 1) + timedelta(days=n) for n in range(3)]
COUNTS = {DAYS[0]: (30, 1), DAYS[1]: (25, 0), DAYS[2]: (35, 1)}  # rows, frauds
MARTS = ["fct_transactions", "dim_customer", "dim_merchant", "dim_date", "agg_fraud_daily"]


def _lake(root: Path) -> Path:
    for day, (rows, frauds) in COUNTS.items():
        data = day_rows(day, rows, frauds)
        write_processed(root, day, data)
        write_raw(root, day, data[:10], name="p+0+0000000000")
        write_raw(root, day, data[8:], name="p+1+0000000000")  # two records landed twice, deduplicated
    return root


def _tables(database: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {t: sorted(con.execute(f"SELECT * FROM PRODUCTION.{t}").fetchall(), key=repr) for t in MARTS} | {
            "staging": sorted(con.execute("SELECT * FROM STAGING.TRANSACTIONS").fetchall(), key=repr)
        }


def _counts(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM PRODUCTION.{t}").fetchone()[0] for t in MARTS} | {
            "staging": con.execute("SELECT count(*) FROM STAGING.TRANSACTIONS").fetchone()[0],
            "fraud": con.execute("SELECT sum(fraud_count) FROM PRODUCTION.agg_fraud_daily").fetchone()[0],
        }


def _failed_checks(result) -> list[str]:
    return sorted(
        f"{e.asset_key.to_user_string()}:{e.check_name}" for e in result.get_asset_check_evaluations() if not e.passed
    )


@pytest.fixture(scope="module")
def day_by_day(tmp_path_factory):
    root = tmp_path_factory.mktemp("day_by_day")
    lake, database = _lake(root / "lake"), root / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FRAUD_DUCKDB_PATH", str(database))
        first = materialize(database, lake, day=DAYS[0].isoformat())
        after_first = _counts(database)
        again = materialize(database, lake, day=DAYS[0].isoformat())
        after_again = _counts(database)
        later = [materialize(database, lake, day=d.isoformat()) for d in DAYS[1:]]
    return {"runs": [first, again, *later], "after_first": after_first, "after_again": after_again,
            "tables": _tables(database)}


@pytest.fixture(scope="module")
def single_run_backfill(tmp_path_factory):
    root = tmp_path_factory.mktemp("backfill")
    lake, database = _lake(root / "lake"), root / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FRAUD_DUCKDB_PATH", str(database))
        run = materialize(database, lake, days=(DAYS[0].isoformat(), DAYS[-1].isoformat()))
    return {"run": run, "tables": _tables(database)}


def test_first_day_builds_every_mart_and_every_check_passes(day_by_day):
    first = day_by_day["runs"][0]
    assert first.success
    assert _failed_checks(first) == []
    evaluated = {e.check_name for e in first.get_asset_check_evaluations()}
    assert {"contract_expectations", "reconciliation_landed_staged_modelled"} <= evaluated
    assert "unique_fct_transactions_transaction_id" in evaluated  # dbt tests appear as checks
    counts = day_by_day["after_first"]
    assert counts["staging"] == counts["fct_transactions"] == 30
    assert counts["fraud"] == 1 and counts["dim_date"] == 1 and counts["dim_customer"] == 7


def test_rerunning_a_day_changes_no_counts(day_by_day):
    assert day_by_day["runs"][1].success
    assert day_by_day["after_again"] == day_by_day["after_first"]


def test_single_run_backfill_equals_day_by_day(day_by_day, single_run_backfill):
    assert all(run.success for run in day_by_day["runs"])
    run = single_run_backfill["run"]
    assert run.success and _failed_checks(run) == []
    assert single_run_backfill["tables"] == day_by_day["tables"]
    assert len(day_by_day["tables"]["fct_transactions"]) == sum(rows for rows, _ in COUNTS.values())
    assert len(day_by_day["tables"]["dim_date"]) == 3


def test_failing_blocking_check_stops_the_marts_in_the_same_run(tmp_path, monkeypatch):
    day = DAYS[0]
    rows = day_rows(day, 30)
    rows[3]["country"] = "ZZ"  # not an ISO country: the contract's value set fails
    rows[4]["latitude"] = 123.0
    write_processed(tmp_path / "lake", day, rows)
    write_raw(tmp_path / "lake", day, rows)
    database = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("FRAUD_DUCKDB_PATH", str(database))
    result = materialize(database, tmp_path / "lake", day=day.isoformat())
    assert not result.success
    assert _failed_checks(result) == ["staging_transactions:contract_expectations"]
    materialized = {m.asset_key.to_user_string() for m in result.get_asset_materialization_events()
                    for m in [m.event_specific_data.materialization]}
    assert materialized == {"staging_transactions"}
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'PRODUCTION' "
                           "AND table_name <> 'FRAUD_PREDICTIONS'"
                           ).fetchone()[0] == 0
