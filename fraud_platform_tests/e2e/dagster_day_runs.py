"""Run in a fresh interpreter by the end-to-end tests: one landed-files sensor tick, then every
requested run, then the PRODUCTION counts as JSON on stdout. The environment points the
definitions at the test's own lake, warehouse file and Elasticsearch index, and, when
DAGSTER_HOME is set, at that instance (its dagster.yaml: PostgreSQL storage on the services
profile); otherwise a temporary local instance is used."""

import json
import os
import sys

import dagster as dg
import duckdb

from fraud_platform.definitions import defs
from fraud_platform.settings import Settings


def main() -> None:
    settings = Settings.from_env()
    job = defs.resolve_job_def("daily_pipeline")
    sensor = defs.resolve_sensor_def("landed_files_sensor")
    home = os.environ.get("DAGSTER_HOME")
    with dg.DagsterInstance.get() if home else dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, resources={"lake": defs.resources["lake"]},
                                          definitions=defs)
        result = sensor(context)
        requests = result.run_requests
        outcomes = {}
        for request in requests:
            run = job.execute_in_process(partition_key=request.partition_key, instance=instance,
                                         tags=request.tags, raise_on_error=False)
            outcomes[request.partition_key] = run.success
        second = sensor(dg.build_sensor_context(instance=instance, cursor=result.cursor,
                                                resources={"lake": defs.resources["lake"]}, definitions=defs))
        storage = type(instance.run_storage).__name__
        recorded = len(instance.get_run_records(dg.RunsFilter(job_name=job.name)))
    with duckdb.connect(settings.warehouse.duckdb_path, read_only=True) as con:
        fct = dict(con.execute('select cast(event_date as varchar), count(*) from "PRODUCTION".fct_transactions '
                               "group by 1").fetchall())
        quality = dict(con.execute('select cast(event_date as varchar), sum(invalid_count) from '
                                   '"PRODUCTION".agg_data_quality_daily group by 1').fetchall())
    json.dump({"runs": outcomes, "second_tick_requests": len(second.run_requests), "fct": fct,
               "quality": {k: int(v) for k, v in quality.items()}, "storage": storage,
               "recorded_runs": recorded}, sys.stdout)


if __name__ == "__main__":
    main()
