"""raw → processed → sandbox on a real local Spark session and a local lake directory."""

import dagster as dg
import pandas as pd
import pytest
from dagster_pyspark import PySparkResource

from fraud_platform.defs.lake.assets import processed_transactions, raw_transactions, sandbox_features
from fraud_platform.defs.lake.resources import LakeResource
from fraud_platform.lake.processed_columns import PROCESSED_COLUMN_NAMES
from fraud_platform.lake.spark.session_config import spark_config
from fraud_platform.settings import Settings
from fraud_platform_tests.lake.raw_files import record, write_raw_file

pytestmark = pytest.mark.spark
HOUR = 3600


@pytest.fixture(scope="module")
def lake_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("lake")
    write_raw_file(root, "2024-04-20", [record("2024-04-20", 10 * HOUR, customer="C8")])
    write_raw_file(root, "2024-05-01", [record("2024-05-01", 10 * HOUR, customer="C9", fraud=True)])
    write_raw_file(root, "2024-05-05", [record("2024-05-05", 12 * HOUR)])
    day = [
        record("2024-05-10", 1 * HOUR, amount=10.0),
        record("2024-05-10", 2 * HOUR, amount=20.0, country="DE", device="WEB-1", currency="USD"),
        record("2024-05-10", 20 * HOUR, amount=30.0, customer="C7", terminal="T99"),
    ]
    write_raw_file(root, "2024-05-10", day[:2])
    # A replayed record (the validator's window missed it) lands again in another file.
    write_raw_file(root, "2024-05-10", [day[1], day[2]], partition=1, start_offset=7)
    return root


@pytest.fixture(scope="module")
def resources(lake_root):
    return {"lake": LakeResource(root=str(lake_root)),
            "pyspark": PySparkResource(spark_config=spark_config(Settings.from_env({"FRAUD_SPARK_MASTER": "local[2]"})))}


def materialize(assets, day, resources) -> dg.ExecuteInProcessResult:
    result = dg.materialize(assets, partition_key=day, resources=resources)
    assert result.success
    return result


def metadata(result, key):
    return {k: v.value for k, v in result.asset_materializations_for_node(key)[0].metadata.items()}


def test_stages_for_a_day(lake_root, resources):
    for day in ("2024-04-20", "2024-05-01", "2024-05-05"):
        materialize([raw_transactions, processed_transactions], day, resources)
    result = materialize([raw_transactions, processed_transactions, sandbox_features], "2024-05-10", resources)

    raw_meta = metadata(result, "raw_transactions")
    assert raw_meta["files"] == 2 and raw_meta["records"] == 4
    processed_meta = metadata(result, "processed_transactions")
    assert processed_meta["rows"] == 3 and processed_meta["duplicates_removed"] == 1

    processed = pd.read_parquet(lake_root / "processed/transactions/dt=2024-05-10").sort_values("event_time")
    assert list(processed.columns) == list(PROCESSED_COLUMN_NAMES)
    assert processed.transaction_id.is_unique
    assert processed.event_hour.tolist() == [1, 2, 20]
    assert processed.is_night.tolist() == [True, True, False]
    assert processed.event_weekday.tolist() == [5, 5, 5]  # 2024-05-10 was a Friday
    assert processed.is_cross_border.tolist() == [False, True, False]
    usd = processed[processed.currency == "USD"].iloc[0]
    assert float(usd.amount_reporting) == round(20.0 / 1.0321, 2)

    features = pd.read_parquet(lake_root / "sandbox/features/dt=2024-05-10").sort_values("event_time")
    assert metadata(result, "sandbox_features")["rows"] == 3
    first, second, other = features.to_dict("records")
    # Customer windows include the current transaction and only earlier ones.
    assert (first["customer_1d_tx_count"], second["customer_1d_tx_count"]) == (1, 2)
    assert first["customer_7d_tx_count"] == 2  # with 2024-05-05
    assert second["customer_1d_avg_amount"] == pytest.approx((10.0 + 20.0 / 1.0321) / 2, abs=0.01)
    # Terminal risk behind the 7-day delay: the 05-01 fraud is in [t-14d, t-7d) but not in [t-8d, t-7d);
    # 04-20 is only in [t-37d, t-7d); 05-05 is inside the delay, its label not yet known.
    assert first["terminal_1d_tx_count"] == 0 and first["terminal_1d_risk"] == 0.0
    assert first["terminal_7d_tx_count"] == 1 and first["terminal_7d_risk"] == 1.0
    assert first["terminal_30d_tx_count"] == 2 and first["terminal_30d_risk"] == 0.5
    assert other["terminal_30d_tx_count"] == 0
    assert (first["is_new_device"], second["is_new_device"]) == (False, True)
    assert (first["is_new_country"], second["is_new_country"]) == (False, True)


def test_rerunning_a_day_overwrites_only_that_day(lake_root, resources):
    before = {d: sorted(p.name for p in (lake_root / f"processed/transactions/dt={d}").glob("*.parquet"))
              for d in ("2024-05-05", "2024-05-10")}
    materialize([raw_transactions, processed_transactions], "2024-05-10", resources)
    after = pd.read_parquet(lake_root / "processed/transactions/dt=2024-05-10")
    assert len(after) == 3
    assert sorted(p.name for p in (lake_root / "processed/transactions/dt=2024-05-05").glob("*.parquet")) == \
        before["2024-05-05"]


def test_a_day_without_landed_files_is_processed_as_empty(lake_root, resources):
    result = materialize([processed_transactions], "2024-06-01", resources)
    assert metadata(result, "processed_transactions")["rows"] == 0
    assert len(pd.read_parquet(lake_root / "processed/transactions/dt=2024-06-01")) == 0


def test_a_multi_day_range_in_one_run_equals_day_by_day(lake_root, resources):
    def day(d):
        return pd.read_parquet(lake_root / f"processed/transactions/dt={d}").sort_values("transaction_id") \
            .reset_index(drop=True)

    before = {d: day(d) for d in ("2024-05-01", "2024-05-05")}
    result = dg.materialize([raw_transactions, processed_transactions],
                            tags={"dagster/asset_partition_range_start": "2024-05-01",
                                  "dagster/asset_partition_range_end": "2024-05-05"}, resources=resources)
    assert result.success
    meta = metadata(result, "processed_transactions")
    assert meta["rows"] == 2 and sorted(meta["days"]) == [f"2024-05-0{d}" for d in range(1, 6)]
    assert [meta["days"][f"2024-05-0{d}"]["rows"] for d in range(1, 6)] == [1, 0, 0, 0, 1]
    for d, frame in before.items():
        pd.testing.assert_frame_equal(day(d), frame)
