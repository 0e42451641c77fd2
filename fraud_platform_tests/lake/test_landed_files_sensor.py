"""The sensor against a real local lake directory and a real (ephemeral) Dagster instance."""

import dagster as dg

from fraud_platform.defs.lake.resources import LakeResource
from fraud_platform.defs.sensors.landed_files import landed_files_sensor
from fraud_platform_tests.lake.raw_files import record, write_raw_file


def tick(lake: LakeResource, cursor: str | None, instance) -> dg.SensorResult:
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"lake": lake})
    return landed_files_sensor(context)


def test_one_run_per_affected_day_and_none_on_repeat(tmp_path):
    lake = LakeResource(root=str(tmp_path))
    write_raw_file(tmp_path, "2024-05-01", [record("2024-05-01", 10)])
    write_raw_file(tmp_path, "2024-05-02", [record("2024-05-02", 10)], partition=1)
    write_raw_file(tmp_path, "2024-05-02", [record("2024-05-02", 20)], partition=2)
    (tmp_path / "raw/transactions/dt=2024-05-02/.tmp-partial.jsonl.gz").write_bytes(b"half")
    with dg.instance_for_test() as instance:
        first = tick(lake, None, instance)
        assert sorted(r.partition_key for r in first.run_requests) == ["2024-05-01", "2024-05-02"]
        assert len({r.run_key for r in first.run_requests}) == 2
        second = tick(lake, first.cursor, instance)
        assert second.run_requests == []
        write_raw_file(tmp_path, "2024-05-02", [record("2024-05-02", 30)], partition=3)
        third = tick(lake, second.cursor, instance)
        assert [r.partition_key for r in third.run_requests] == ["2024-05-02"]
        assert third.run_requests[0].run_key not in {r.run_key for r in first.run_requests}


def test_days_before_the_partitions_start_are_skipped(tmp_path):
    lake = LakeResource(root=str(tmp_path))
    write_raw_file(tmp_path, "2019-01-01", [record("2019-01-01", 10)])
    with dg.instance_for_test() as instance:
        assert tick(lake, None, instance).run_requests == []
