"""Seconds per stage of the daily Dagster job against the same work in plain DuckDB SQL.

Stages raw → processed → sandbox → staging → dbt, on the embedded profile (local lake
directory, DuckDB, Spark in-process); ours and the anchor run in one invocation.

1. One day of `--transactions` generated transactions (the generator's default preset, no
   defects; the number of customers is picked from a probe run of a smaller population) is
   written as landed files in the lander's layout:
   raw/transactions/dt=<day>/validated-transactions+<partition>+<offset:010d>.jsonl.gz, with
   records spread over the Kafka partitions by key (card_id, CRC-32 like librdkafka's default
   partitioner) and cut like the lander cuts segments (FRAUD_LANDER_ROTATE_RECORDS records or an
   event-time hour, whichever comes first), gzip level 1.
2. The `daily_pipeline` job (the job the landed-files sensor starts) runs for that partition in a
   child interpreter, in-process executor, against an ephemeral DagsterInstance and a temporary
   lake directory and DuckDB file; Spark runs locally (FRAUD_SPARK_MASTER, default local[*]).
   Each stage's seconds come from the run's event log (STEP_START → STEP_SUCCESS of the asset's
   step). The blocking checks (Great Expectations on staging_transactions and fct_transactions,
   reconciliation) are their own steps and are reported separately; the run total (wall time of
   execute_in_process: resources incl. the Spark session, every step, checks) includes them.
   staging_invalid_transactions queries an Elasticsearch index that does not exist (empty
   result) when Elasticsearch answers, and is left out of the run when it does not.
3. The anchor: the same transformations in DuckDB SQL on the same landed files, one DuckDB
   process (this one), with its own lake directory and database file: read_json over the
   .jsonl.gz files, dedup on transaction_id, the project's fx rates, time features and the
   cross-border flag into Parquet (processed); the point-in-time window features of
   fraud_platform/lake/spark/features.py as window functions with RANGE intervals (sandbox);
   DELETE + INSERT of the day into the contract's STAGING.TRANSACTIONS (staging); and the dbt
   marts the job builds (fct_transactions, agg_fraud_daily, agg_data_quality_daily,
   dim_customer, dim_merchant, dim_date) as plain SQL statements (the dbt step is `dbt build`
   of 9 models and 13 model tests, which Dagster shows as non-blocking checks, plus dbt's
   start-up; the anchor runs no tests). Afterwards the two outputs are compared (row counts,
   every feature value, mart totals) and the agreement printed.
4. A `--days`-day backfill at ~`--per-day` transactions a day through the whole job as one
   single-run backfill (the assets' BackfillPolicy.single_run(): one run over the partition
   range), and the anchor over the same files day by day (dbt marts once over the window).

Lookback: sandbox_features reads 37 prior processed days (30-day windows + 7-day label delay).
The one-day run starts from an empty lake, so its sandbox stage has no history (a lower bound:
with 37 days of 1M history the window input would be 38 times larger); the backfill exercises
the lookback, each day reading the processed days of the range before it, and the anchor reads
the same history.

    .venv/bin/python bench/pipeline_stages.py [--transactions 1000000] [--days 30] [--per-day 10000]
        [--skip-backfill] [--keep] [--update-results]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
import zlib
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAY = date(2024, 3, 1)  # a Friday; the generator's weekday factor makes Fridays busy
BACKFILL_START = date(2024, 4, 1)
SEED = 42
STAGES = {  # step key of the daily_pipeline job -> stage
    "raw_transactions": "raw",
    "processed_transactions": "processed",
    "sandbox_features": "sandbox",
    "staging_transactions": "staging",
    "fraud_dbt_models": "dbt",
}


# ---------------------------------------------------------------- landed files in the lander's layout

@dataclass
class _Segment:
    start_offset: int
    day: str
    bucket: int
    values: list[bytes] = field(default_factory=list)


class LandedFilesSink:
    """A generator sink that writes what fraud-lander would land for the same records."""

    def __init__(self, lake_root: Path, topic: str, partitions: int, rotate_records: int, rotate_interval_s: int):
        self.root, self.topic, self.partitions = lake_root, topic, partitions
        self.rotate_records, self.rotate_interval_s = rotate_records, rotate_interval_s
        self.next_offset = [0] * partitions
        self.open: list[_Segment | None] = [None] * partitions
        self.files = 0
        self.records = 0
        self.bytes = 0
        try:
            from isal import igzip as gz  # what the lander compresses with, when installed
        except ImportError:
            import gzip as gz
        self._gzip = gz

    def send(self, keys: list[bytes], values: list[bytes]) -> None:
        for key, value in zip(keys, values):
            start = value.index(b'"event_time":"') + 14
            text = value[start:value.index(b'"', start)].decode()
            epoch = datetime.fromisoformat(text).timestamp()
            day, bucket = text[:10], int(epoch // self.rotate_interval_s)
            partition = zlib.crc32(key) % self.partitions
            segment = self.open[partition]
            if segment is not None and (bucket > segment.bucket or day != segment.day):
                self._write(partition)
                segment = None
            if segment is None:
                segment = self.open[partition] = _Segment(self.next_offset[partition], day, bucket)
            segment.values.append(value)
            self.next_offset[partition] += 1
            if len(segment.values) >= self.rotate_records:
                self._write(partition)

    def _write(self, partition: int) -> None:
        from fraud_platform.lake.layout import RAW_PREFIX, day_prefix

        segment = self.open[partition]
        self.open[partition] = None
        if not segment or not segment.values:
            return
        path = (self.root / day_prefix(RAW_PREFIX, segment.day) /
                f"{self.topic}+{partition}+{segment.start_offset:010d}.jsonl.gz")
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self._gzip.compress(b"\n".join(segment.values) + b"\n", compresslevel=1, mtime=0)
        path.write_bytes(data)
        self.files += 1
        self.records += len(segment.values)
        self.bytes += len(data)

    def close(self) -> int:
        for partition in range(self.partitions):
            self._write(partition)
        return 0


def customers_for(start: date, days: int, per_day: int) -> int:
    """Customers of the default preset that give ~per_day transactions a day over these days,
    from a probe run of a smaller population (transactions scale with customers)."""
    from streaming.generator.presets import default_config
    from streaming.generator.run import backfill
    from streaming.generator.sinks import MemorySink

    probe, sink = max(1_000, round(50_000 / days)), MemorySink()
    backfill(default_config(probe).with_defects(rate=0.0), SEED, start, start + timedelta(days=days), sink)
    return max(1, round(per_day * days * probe / sink.count))


def generate_landed(lake_root: Path, start: date, days: int, customers: int) -> tuple[dict, float]:
    from fraud_platform.settings import Settings
    from streaming.generator.presets import default_config
    from streaming.generator.run import backfill

    settings = Settings.from_env()
    sink = LandedFilesSink(lake_root, settings.kafka.validated_topic, settings.kafka.topic_partitions,
                           settings.lander.rotate_records, settings.lander.rotate_interval_s)
    started = time.monotonic()
    summary = backfill(default_config(customers).with_defects(rate=0.0), SEED, start, start + timedelta(days=days),
                       sink)
    seconds = time.monotonic() - started
    per_day = {day: {"valid": d["valid"], "fraud": d["fraud"]} for day, d in summary.to_dict()["days"].items()}
    print(f"  generated {sink.records:,} transactions ({customers:,} customers) into {sink.files} landed files, "
          f"{sink.bytes / 2**20:,.0f} MiB gzip, in {seconds:.0f} s; fraud rate up to "
          f"{max(d['fraud'] / max(d['valid'], 1) for d in per_day.values()):.2%} a day", flush=True)
    return {"records": sink.records, "files": sink.files, "bytes": sink.bytes, "days": per_day}, seconds


# ---------------------------------------------------------------- the Dagster run (child interpreter)

def pipeline_env(work: Path, es_index: str) -> dict[str, str]:
    return {
        "FRAUD_PROFILE": "embedded", "FRAUD_WAREHOUSE": "duckdb",
        "FRAUD_DATA_DIR": str(work / "data"), "FRAUD_LAKE_ROOT": str(work / "lake"),
        "FRAUD_DUCKDB_PATH": str(work / "warehouse.duckdb"), "FRAUD_ES_INVALID_INDEX": es_index,
        "FRAUD_PARTITIONS_START": "2024-01-01",
    }


def elasticsearch_answers() -> bool:
    from fraud_platform.settings import Settings

    try:
        with urllib.request.urlopen(f"{Settings.from_env().elasticsearch.url}/_cluster/health", timeout=3):
            return True
    except OSError:
        return False


def child_main(spec_path: str) -> None:
    """In a fresh interpreter whose environment points the definitions at the bench's lake."""
    spec = json.loads(Path(spec_path).read_text())
    import dagster as dg

    imported = time.monotonic()
    from fraud_platform.definitions import defs

    import_seconds = time.monotonic() - imported
    job = defs.resolve_job_def("daily_pipeline")
    kwargs = {}
    if not spec["with_invalid"]:
        kwargs["asset_selection"] = [k for k in job.asset_layer.executable_asset_keys
                                     if k.to_user_string() != "staging_invalid_transactions"]
    first, last = spec["first"], spec["last"]
    if first == last:
        kwargs["partition_key"] = first
    else:
        kwargs["tags"] = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}
    instance = dg.DagsterInstance.ephemeral()
    started = time.monotonic()
    result = job.execute_in_process(instance=instance, raise_on_error=False, **kwargs)
    wall = time.monotonic() - started
    steps: dict[str, dict] = {}
    run_start = run_end = None
    for entry in instance.all_logs(result.run_id):
        event = entry.dagster_event
        if event is None:
            continue
        kind = event.event_type_value
        if kind == "RUN_START":
            run_start = entry.timestamp
        elif kind in ("RUN_SUCCESS", "RUN_FAILURE"):
            run_end = entry.timestamp
        elif kind == "STEP_START":
            steps.setdefault(event.step_key, {})["start"] = entry.timestamp
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            steps.setdefault(event.step_key, {}).update(end=entry.timestamp, status=kind)
    checks = {f"{e.asset_key.to_user_string()}:{e.check_name}": e.passed
              for e in result.get_asset_check_evaluations()}
    out = {
        "success": result.success, "import_seconds": import_seconds, "wall_seconds": wall,
        "run_seconds": (run_end - run_start) if run_start and run_end else None,
        "steps": {k: {"seconds": v["end"] - v["start"], "status": v["status"]}
                  for k, v in steps.items() if "start" in v and "end" in v},
        "checks": checks,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    Path(spec["out"]).write_text(json.dumps(out))


STEP_EVENT = re.compile(r" - ([\w.\[\]-]+) - (STEP_START|STEP_SUCCESS|STEP_FAILURE|ASSET_CHECK_EVALUATION) - ")


def _sample_tree_rss(child: subprocess.Popen, peak: list[int]) -> None:
    """Peak of the summed RSS of the run's process tree (Python, the Spark JVM, dbt)."""
    import psutil

    while child.poll() is None:
        try:
            root = psutil.Process(child.pid)
            rss = 0
            for p in [root, *root.children(recursive=True)]:
                try:
                    rss += p.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
            peak[0] = max(peak[0], rss)
        except psutil.NoSuchProcess:
            return
        time.sleep(0.5)


def run_dagster(work: Path, first: str, last: str, es_index: str, with_invalid: bool) -> dict:
    """Runs the job in a child interpreter; prints its step events as they come."""
    spec = work / "spec.json"
    spec.write_text(json.dumps({"first": first, "last": last, "out": str(work / "run.json"),
                                "with_invalid": with_invalid}))
    env = {**os.environ, **pipeline_env(work, es_index), "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen([sys.executable, __file__, "--child", str(spec)], env=env, cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, errors="replace")
    tail: deque[str] = deque(maxlen=80)
    started = time.monotonic()
    peak = [0]
    sampler = threading.Thread(target=_sample_tree_rss, args=(child, peak), daemon=True)
    sampler.start()
    assert child.stdout is not None
    for line in child.stdout:
        tail.append(line.rstrip())
        match = STEP_EVENT.search(line)
        if match and not (match.group(1) == "fraud_dbt_models" and match.group(2) == "ASSET_CHECK_EVALUATION"):
            step, kind = match.groups()
            print(f"    [{time.monotonic() - started:7.1f} s] {step} {kind.lower()}", flush=True)
    if child.wait() != 0 or not (work / "run.json").exists():
        print("\n".join(tail), file=sys.stderr)
        raise SystemExit(f"the Dagster run exited with {child.returncode}")
    sampler.join()
    out = json.loads((work / "run.json").read_text())
    out["tree_peak_rss_mb"] = peak[0] / 2**20
    if not out["success"]:
        print("\n".join(tail), file=sys.stderr)
        print(f"  WARNING: the run failed; steps: {out['steps']}, checks: {out['checks']}", flush=True)
    return out


# ---------------------------------------------------------------- the DuckDB SQL anchor

class Anchor:
    """raw → processed → sandbox → staging → marts as plain DuckDB SQL, one connection."""

    def __init__(self, work: Path, raw_root: Path, reporting_currency: str):
        import duckdb

        from fraud_platform.contract import FIELDS
        from fraud_platform.contract.schema_duckdb import DUCKDB_TYPES
        from fraud_platform.lake.fx_rates import rate_to
        from fraud_platform.warehouse.tables import staging_ddl

        self.work, self.raw_root, self.currency = work, raw_root, reporting_currency
        work.mkdir(parents=True, exist_ok=True)
        self.db = duckdb.connect(str(work / "anchor.duckdb"))
        self.db.execute("SET TimeZone = 'UTC'")
        self.columns = {f.name: DUCKDB_TYPES[f.kind] for f in FIELDS}
        # Spark casts each rate's text to decimal(20,10) (half up); the same here.
        rates = ", ".join(f"('{code}', CAST('{rate.quantize(Decimal('1e-10'), ROUND_HALF_UP)}' AS DECIMAL(20,10)))"
                          for code, rate in sorted(rate_to(reporting_currency).items()))
        self.db.execute(f"CREATE OR REPLACE TEMP TABLE fx_rates(currency, rate) AS VALUES {rates}")
        for statement in staging_ddl("duckdb"):
            self.db.execute(statement)
        self.seconds: dict[str, float] = {s: 0.0 for s in STAGES.values()}

    def _timed(self, stage: str, fn, *args):
        started = time.monotonic()
        value = fn(*args)
        self.seconds[stage] += time.monotonic() - started
        return value

    def raw_files(self, day: str) -> list[str]:
        return sorted(str(p) for p in (self.raw_root / f"raw/transactions/dt={day}").glob("*.jsonl.gz"))

    def processed_dir(self, day: str) -> Path:
        return self.work / f"processed/transactions/dt={day}"

    def sandbox_dir(self, day: str) -> Path:
        return self.work / f"sandbox/features/dt={day}"

    # raw: what the raw_transactions asset reports, the day's landed files and records
    def raw(self, day: str) -> int:
        return self._timed("raw", lambda: self.db.execute(
            "SELECT count(*) FROM read_json_objects(?, format = 'newline_delimited')", [self.raw_files(day)]
        ).fetchone()[0])

    def processed(self, day: str) -> int:
        def run() -> int:
            from fraud_platform.lake.processed_columns import PROCESSED_COLUMN_NAMES

            out = self.processed_dir(day)
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True)
            columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in self.columns.items()) + "}"
            contract = ", ".join(f"d.{c}" for c in self.columns)
            self.db.execute(f"""
                COPY (
                    WITH raw AS (
                        SELECT * FROM read_json(?, format = 'newline_delimited', columns = {columns})
                    ), dedup AS (  -- one row per transaction_id, any of them (Spark's dropDuplicates)
                        SELECT * FROM raw QUALIFY row_number() OVER (PARTITION BY transaction_id) = 1
                    ), derived AS (
                        SELECT {contract},
                               CAST(d.event_time AS DATE) AS event_date,
                               CAST(round(d.amount * r.rate, 2) AS DECIMAL(14,2)) AS amount_reporting,
                               '{self.currency}' AS reporting_currency,
                               CAST(hour(d.event_time) AS INTEGER) AS event_hour,
                               CAST(isodow(d.event_time) AS INTEGER) AS event_weekday,
                               hour(d.event_time) <= 6 AS is_night,
                               isodow(d.event_time) >= 6 AS is_weekend,
                               d.country <> d.customer_country AS is_cross_border
                        FROM dedup AS d LEFT JOIN fx_rates AS r ON r.currency = d.currency
                    )
                    SELECT {", ".join(PROCESSED_COLUMN_NAMES)} FROM derived WHERE event_date = DATE '{day}'
                ) TO '{out}/part-00000.parquet' (FORMAT parquet)
            """, [self.raw_files(day)])
            return self.db.execute(f"SELECT count(*) FROM read_parquet('{out}/*.parquet')").fetchone()[0]
        return self._timed("processed", run)

    def sandbox(self, day: str) -> int:
        def run() -> int:
            from fraud_platform.lake.spark.features import (
                FEATURE_COLUMNS, KEY_COLUMNS, LABEL_COLUMNS, LABEL_DELAY_DAYS, LOOKBACK_DAYS, NOVELTY_DAYS,
                SPENDING_PEAK_DAYS, WINDOWS_DAYS)

            first = date.fromisoformat(day) - timedelta(days=LOOKBACK_DAYS)
            history = [str(p / "*.parquet") for n in range(LOOKBACK_DAYS + 1)
                       if (p := self.processed_dir((first + timedelta(days=n)).isoformat())).exists()]
            delay = f"INTERVAL {LABEL_DELAY_DAYS} DAYS"
            windows, selects = [], []
            for w in WINDOWS_DAYS:
                # The current transaction included, as in the handbook (Spark: rangeBetween(-w days, 0)).
                windows.append(f"c{w} AS (PARTITION BY customer_id ORDER BY _t "
                               f"RANGE BETWEEN INTERVAL {w} DAYS PRECEDING AND CURRENT ROW)")
                # [t - delay - w, t - delay - 1 s]: labels already known
                # (Spark: rangeBetween(-(delay + w), -delay - 1)).
                windows.append(f"t{w} AS (PARTITION BY terminal_id ORDER BY _t RANGE BETWEEN "
                               f"{delay} + INTERVAL {w} DAYS PRECEDING AND {delay} + INTERVAL 1 SECOND PRECEDING)")
                selects += [f"count(*) OVER c{w} AS customer_{w}d_tx_count",
                            f"avg(amount_feature) OVER c{w} AS customer_{w}d_avg_amount",
                            f"count(*) OVER t{w} AS terminal_{w}d_tx_count",
                            f"CASE WHEN count(*) OVER t{w} > 0 THEN CAST(sum(_fraud) OVER t{w} AS DOUBLE) / "
                            f"count(*) OVER t{w} ELSE 0.0 END AS terminal_{w}d_risk"]
            # The known fraud streak over the 30-day risk's window: frauds after the latest known
            # legitimate transaction, from frauds-so-far (ties included) at both ends.
            known, span = f"t{max(WINDOWS_DAYS)}", LABEL_DELAY_DAYS + max(WINDOWS_DAYS)
            selects += [f"max(CASE WHEN _fraud = 0 THEN _t END) OVER {known} AS _last_legit",
                        f"sum(_fraud) OVER {known} AS _known_frauds",
                        f"max(_frauds_so_far) OVER {known} - max(CASE WHEN _fraud = 0 THEN _frauds_so_far END) "
                        f"OVER {known} AS _frauds_after_legit"]
            streak = ("CAST(CASE WHEN _last_legit IS NULL THEN coalesce(_known_frauds, 0) ELSE _frauds_after_legit "
                      "END AS INTEGER) AS terminal_known_fraud_streak")
            streak_days = ("CASE WHEN terminal_known_fraud_streak > 0 THEN "
                           f"coalesce((epoch(_t) - epoch(_last_legit)) / 86400.0, {span}.0) ELSE 0.0 END "
                           "AS terminal_known_fraud_streak_days")
            novelty = (f"ORDER BY _t RANGE BETWEEN INTERVAL {NOVELTY_DAYS} DAYS PRECEDING "
                       "AND INTERVAL 1 SECOND PRECEDING")
            windows += [f"dev AS (PARTITION BY customer_id, device_id {novelty})",
                        f"ctry AS (PARTITION BY customer_id, country {novelty})"]
            selects += ["count(*) OVER dev = 0 AS is_new_device", "count(*) OVER ctry = 0 AS is_new_country"]

            def ratio(a: str, b: str) -> str:
                return f"CASE WHEN {b} > 0 THEN {a} / {b} ELSE 1.0 END"
            spending = [f"{ratio('amount_feature', 'customer_7d_avg_amount')} AS amount_to_customer_7d_avg",
                        f"{ratio('amount_feature', 'customer_30d_avg_amount')} AS amount_to_customer_30d_avg",
                        f"{ratio('customer_1d_avg_amount', 'customer_30d_avg_amount')} AS customer_1d_to_30d_avg_amount",
                        f"{ratio('customer_7d_avg_amount', 'customer_30d_avg_amount')} AS customer_7d_to_30d_avg_amount"]
            peaks = [f"max(amount_to_customer_30d_avg) OVER (PARTITION BY customer_id ORDER BY _t RANGE BETWEEN "
                     f"INTERVAL {w} DAYS PRECEDING AND CURRENT ROW) AS customer_{w}d_max_amount_ratio"
                     for w in SPENDING_PEAK_DAYS]
            out = self.sandbox_dir(day)
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True)
            self.db.execute(f"""
                COPY (
                    WITH h AS (
                        -- Spark orders the windows by event_time cast to whole epoch seconds.
                        SELECT *, date_trunc('second', event_time) AS _t,
                               CAST(coalesce(amount_reporting, amount) AS DOUBLE) AS amount_feature,
                               CAST(is_fraud AS INTEGER) AS _fraud
                        FROM read_parquet(?)
                    ), c AS (
                        SELECT *, sum(_fraud) OVER (PARTITION BY terminal_id ORDER BY _t
                            RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS _frauds_so_far FROM h
                    ), f AS (
                        SELECT *, {", ".join(selects)} FROM c WINDOW {", ".join(windows)}
                    ), g AS (
                        SELECT *, {", ".join(spending)}, {streak} FROM f
                    ), p AS (
                        SELECT *, {", ".join(peaks)}, {streak_days} FROM g
                    )
                    SELECT {", ".join((*KEY_COLUMNS, *FEATURE_COLUMNS, *LABEL_COLUMNS))}
                    FROM p WHERE event_date = DATE '{day}'
                ) TO '{out}/part-00000.parquet' (FORMAT parquet)
            """, [history])
            return self.db.execute(f"SELECT count(*) FROM read_parquet('{out}/*.parquet')").fetchone()[0]
        return self._timed("sandbox", run)

    def staging(self, day: str) -> int:
        def run() -> int:
            from fraud_platform.warehouse.tables import STAGING_TRANSACTIONS, TRANSACTION_COLUMNS

            columns = ", ".join(TRANSACTION_COLUMNS)
            self.db.execute("BEGIN")
            self.db.execute(f"DELETE FROM {STAGING_TRANSACTIONS} WHERE event_date = ?", [day])
            self.db.execute(f"INSERT INTO {STAGING_TRANSACTIONS} ({columns}) SELECT {columns} "
                            f"FROM read_parquet('{self.processed_dir(day)}/*.parquet')")
            self.db.execute("COMMIT")
            return self.db.execute(f"SELECT count(*) FROM {STAGING_TRANSACTIONS} WHERE event_date = ?",
                                   [day]).fetchone()[0]
        return self._timed("staging", run)

    def marts(self, first: str, last: str) -> int:
        """The dbt models of the job as SQL: incremental marts delete+insert the window, the
        dimensions are rebuilt over all history; no tests."""
        def run() -> int:
            from fraud_platform.warehouse.tables import TRANSACTION_COLUMNS

            end = (date.fromisoformat(last) + timedelta(days=1)).isoformat()
            def in_window(column: str = "event_date") -> str:
                return f"{column} >= DATE '{first}' AND {column} < DATE '{end}'"

            window = in_window()
            db = self.db
            db.execute("CREATE SCHEMA IF NOT EXISTS PRODUCTION")
            enriched = f"""(SELECT *, CASE WHEN is_fraud THEN 1 ELSE 0 END AS fraud_flag,
                                   CASE WHEN is_fraud THEN amount_reporting END AS fraud_amount_reporting
                            FROM STAGING.TRANSACTIONS WHERE {window})"""
            incremental = {
                "fct_transactions": f"SELECT {', '.join(TRANSACTION_COLUMNS)} FROM STAGING.TRANSACTIONS "
                                    f"WHERE {window}",
                "agg_fraud_daily": f"""
                    SELECT event_date, country, transaction_type, payment_method, device_type, event_hour,
                           count(*) AS transaction_count, sum(amount_reporting) AS amount_reporting_total,
                           sum(fraud_flag) AS fraud_count, sum(fraud_amount_reporting) AS fraud_amount_reporting,
                           CAST(sum(fraud_flag) AS DOUBLE) / count(*) AS fraud_rate,
                           sum(fraud_amount_reporting) / nullif(sum(amount_reporting), 0) AS fraud_amount_rate
                    FROM {enriched} AS e
                    GROUP BY event_date, country, transaction_type, payment_method, device_type, event_hour""",
                "agg_data_quality_daily": f"""
                    WITH valid AS (SELECT event_date, count(*) AS valid_count FROM STAGING.TRANSACTIONS
                                   WHERE {window} GROUP BY event_date)
                    SELECT i.event_date, i.reason, i.invalid_count, coalesce(v.valid_count, 0) AS valid_count
                    FROM STAGING.INVALID_TRANSACTIONS AS i LEFT JOIN valid AS v ON v.event_date = i.event_date
                    WHERE {in_window('i.event_date')}""",
            }
            for name, query in incremental.items():
                db.execute(f"CREATE TABLE IF NOT EXISTS PRODUCTION.{name} AS SELECT * FROM ({query}) WHERE false")
                db.execute("BEGIN")
                db.execute(f"DELETE FROM PRODUCTION.{name} WHERE {window}")
                db.execute(f"INSERT INTO PRODUCTION.{name} {query}")
                db.execute("COMMIT")
            latest = "row_number() OVER (PARTITION BY {key} ORDER BY event_time DESC, transaction_id) AS recency"
            db.execute(f"""CREATE OR REPLACE TABLE PRODUCTION.dim_customer AS
                WITH ranked AS (SELECT *, {latest.format(key='customer_id')} FROM PRODUCTION.fct_transactions)
                SELECT customer_id, max(CASE WHEN recency = 1 THEN customer_country END) AS customer_country,
                       min(event_time) AS first_seen_at, max(event_time) AS last_seen_at,
                       count(*) AS transaction_count, count(DISTINCT card_id) AS card_count,
                       sum(CASE WHEN is_fraud THEN 1 ELSE 0 END) AS fraud_count
                FROM ranked GROUP BY customer_id""")
            db.execute(f"""CREATE OR REPLACE TABLE PRODUCTION.dim_merchant AS
                WITH ranked AS (SELECT *, {latest.format(key='merchant_id')} FROM PRODUCTION.fct_transactions)
                SELECT merchant_id, max(CASE WHEN recency = 1 THEN merchant_name END) AS merchant_name,
                       max(CASE WHEN recency = 1 THEN mcc END) AS mcc,
                       max(CASE WHEN recency = 1 THEN merchant_category END) AS merchant_category,
                       max(CASE WHEN recency = 1 THEN country END) AS country,
                       max(CASE WHEN recency = 1 THEN city END) AS city,
                       count(*) AS transaction_count, sum(CASE WHEN is_fraud THEN 1 ELSE 0 END) AS fraud_count
                FROM ranked GROUP BY merchant_id""")
            db.execute("""CREATE OR REPLACE TABLE PRODUCTION.dim_date AS
                SELECT CAST(d AS DATE) AS date_day, year(d) AS year, quarter(d) AS quarter, month(d) AS month,
                       day(d) AS day_of_month, isodow(d) AS iso_weekday, isodow(d) IN (6, 7) AS is_weekend
                FROM (SELECT min(event_date) AS lo, max(event_date) AS hi FROM PRODUCTION.fct_transactions),
                     range(lo, hi + INTERVAL 1 DAY, INTERVAL 1 DAY) AS t(d)""")
            return db.execute(f"SELECT count(*) FROM PRODUCTION.fct_transactions WHERE {window}").fetchone()[0]
        return self._timed("dbt", run)

    def run(self, days: list[str]) -> dict[str, float]:
        """Stage by stage over the days, as a single-run backfill does."""
        for stage, fn in (("raw", self.raw), ("processed", self.processed), ("sandbox", self.sandbox),
                          ("staging", self.staging)):
            print(f"    anchor {stage} ...", flush=True)
            for day in days:
                fn(day)
        print("    anchor dbt marts ...", flush=True)
        self.marts(days[0], days[-1])
        return dict(self.seconds)


# ---------------------------------------------------------------- comparing the two outputs

def compare(work: Path, anchor: Anchor, days: list[str]) -> list[str]:
    """Row counts and values of both pipelines' outputs; returns the differences found."""
    from fraud_platform.lake.spark.features import FEATURE_COLUMNS

    db, problems = anchor.db, []
    for day in days:
        ours = str(work / f"lake/processed/transactions/dt={day}/*.parquet")
        theirs = f"{anchor.processed_dir(day)}/*.parquet"
        a, b = db.execute(f"SELECT (SELECT count(*) FROM read_parquet('{ours}')), "
                          f"(SELECT count(*) FROM read_parquet('{theirs}'))").fetchone()
        if a != b:
            problems.append(f"processed {day}: {a} rows vs anchor {b}")
        ours = str(work / f"lake/sandbox/features/dt={day}/*.parquet")
        differs = " OR ".join(
            f"(s.{c} IS DISTINCT FROM x.{c})" if c.startswith("is_") else
            f"(abs(coalesce(s.{c}, 0) - coalesce(x.{c}, 0)) > 1e-9 OR (s.{c} IS NULL) <> (x.{c} IS NULL))"
            for c in FEATURE_COLUMNS)
        rows, joined, mismatched = db.execute(f"""
            SELECT (SELECT count(*) FROM read_parquet('{ours}')), count(*), count(*) FILTER ({differs})
            FROM read_parquet('{ours}') AS s JOIN read_parquet('{anchor.sandbox_dir(day)}/*.parquet') AS x
            USING (transaction_id)""").fetchone()
        if not rows == joined or mismatched:
            problems.append(f"sandbox {day}: {rows} rows, {joined} matched by id, {mismatched} with other features")
    anchor.db.execute(f"ATTACH '{work / 'warehouse.duckdb'}' AS ours (READ_ONLY)")
    try:
        for table, figure in (("fct_transactions", "count(*), sum(amount_reporting)"),
                              ("agg_fraud_daily", "count(*), sum(transaction_count), sum(fraud_count)"),
                              ("dim_customer", "count(*), sum(transaction_count), sum(fraud_count)"),
                              ("dim_merchant", "count(*), sum(transaction_count)"), ("dim_date", "count(*)")):
            a = db.execute(f"SELECT {figure} FROM ours.PRODUCTION.{table}").fetchone()
            b = db.execute(f"SELECT {figure} FROM PRODUCTION.{table}").fetchone()
            if a != b:
                problems.append(f"{table}: {a} vs anchor {b}")
    finally:
        anchor.db.execute("DETACH ours")
    return problems


# ---------------------------------------------------------------- one scenario, both pipelines

@dataclass
class Scenario:
    name: str
    days: list[str]
    data: dict
    ours: dict
    anchor: dict[str, float]
    anchor_total: float
    problems: list[str]

    @property
    def stage_seconds(self) -> dict[str, float | None]:
        steps = self.ours["steps"]
        return {stage: steps[key]["seconds"] if key in steps else None for key, stage in STAGES.items()}

    @property
    def other_steps(self) -> dict[str, float]:
        return {k: v["seconds"] for k, v in self.ours["steps"].items() if k not in STAGES}


def run_scenario(name: str, work: Path, start: date, days: int, customers: int, es_index: str,
                 with_invalid: bool) -> Scenario:
    from fraud_platform.settings import Settings

    day_keys = [(start + timedelta(days=n)).isoformat() for n in range(days)]
    print(f"[{name}] generating {days} day(s) from {day_keys[0]} into {work / 'lake'}", flush=True)
    data, _ = generate_landed(work / "lake", start, days, customers)
    print(f"[{name}] Dagster daily_pipeline, partitions {day_keys[0]}..{day_keys[-1]} "
          f"({'one run' if days == 1 else 'one single-run backfill'})", flush=True)
    ours = run_dagster(work, day_keys[0], day_keys[-1], es_index, with_invalid)
    print(f"[{name}] DuckDB SQL anchor on the same landed files", flush=True)
    anchor = Anchor(work / "anchor", work / "lake", Settings.from_env().spark.reporting_currency)
    started = time.monotonic()
    anchor_seconds = anchor.run(day_keys)
    anchor_total = time.monotonic() - started
    problems = compare(work, anchor, day_keys) if ours["success"] else ["the Dagster run failed"]
    anchor.db.close()
    print(f"[{name}] outputs agree: " + ("yes (processed and sandbox rows, every feature value, mart totals)"
                                       if not problems else "NO: " + "; ".join(problems[:5])), flush=True)
    return Scenario(name, day_keys, data, ours, anchor_seconds, anchor_total, problems)


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def ratio(value: float | None, anchor: float | None) -> str:
    return "-" if not value or not anchor else f"{value / anchor:.1f}"


def print_table(s: Scenario, per_day: bool) -> None:
    print(f"\n{s.name}: {s.data['records']:,} transactions, {len(s.days)} day(s), {s.data['files']} landed files"
          f"{'' if s.ours['success'] else '  (RUN FAILED)'}")
    print(f"  {'stage':<58} {'Dagster (s)':>12} {'DuckDB SQL (s)':>15} {'ratio':>7}")
    for stage, seconds in s.stage_seconds.items():
        print(f"  {stage:<58} {fmt(seconds):>12} {fmt(s.anchor[stage]):>15} {ratio(seconds, s.anchor[stage]):>7}")
    for step, seconds in sorted(s.other_steps.items()):
        print(f"  {'  ' + step:<58} {fmt(seconds):>12} {'-':>15} {'-':>7}")
    overhead = s.ours["wall_seconds"] - sum(v["seconds"] for v in s.ours["steps"].values())
    print(f"  {'  run start-up/teardown (resources, Spark)':<58} {fmt(overhead):>12} {'-':>15} {'-':>7}")
    total = s.ours["wall_seconds"]
    print(f"  {'total (run wall time / anchor wall time)':<58} {fmt(total):>12} {fmt(s.anchor_total):>15} "
          f"{ratio(total, s.anchor_total):>7}")
    if per_day:
        n = len(s.days)
        print(f"  {'per day':<58} {fmt(total / n):>12} {fmt(s.anchor_total / n):>15} "
              f"{ratio(total, s.anchor_total):>7}")
    failed = [k for k, ok in s.ours["checks"].items() if not ok]
    print(f"  blocking checks: {len(s.ours['checks'])} evaluated, "
          f"{'all passed' if not failed else 'FAILED: ' + ', '.join(failed)}; "
          f"run peak RSS {s.ours['tree_peak_rss_mb']:,.0f} MB (Python, Spark JVM, dbt; sampled); "
          f"definitions import {s.ours['import_seconds']:.1f} s (not in the total)")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child_main(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=1_000_000, help="Transactions of the one-day run (~)")
    parser.add_argument("--days", type=int, default=30, help="Days of the backfill")
    parser.add_argument("--per-day", type=int, default=10_000, help="Transactions a day in the backfill (~)")
    parser.add_argument("--skip-backfill", action="store_true")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary directory")
    parser.add_argument("--update-results", action="store_true", help="Write the rows into bench/RESULTS.md")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-pipeline-stages-"))
    es_index = f"bench-pipeline-absent-{uuid.uuid4().hex[:8]}"  # never created: the invalid summary is empty
    with_invalid = elasticsearch_answers()
    if not with_invalid:
        print("Elasticsearch does not answer: staging_invalid_transactions is left out of the runs", flush=True)
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    scenarios = []
    try:
        customers = customers_for(DAY, 1, args.transactions)
        scenarios.append(run_scenario("one day", work / "day", DAY, 1, customers, es_index, with_invalid))
        if not args.skip_backfill:
            customers = customers_for(BACKFILL_START, args.days, args.per_day)
            scenarios.append(run_scenario(f"{args.days}-day backfill", work / "backfill", BACKFILL_START, args.days,
                                          customers, es_index, with_invalid))
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    load = max(load_before, os.getloadavg()[0])
    for s in scenarios:
        print_table(s, per_day=len(s.days) > 1)
    print(f"\n1-minute load average on this {os.cpu_count()}-core machine: up to {load:.1f}; "
          f"benchmark wall time {time.monotonic() - started:,.0f} s")

    if args.update_results:
        write_results(args, scenarios, load)


def write_results(args: argparse.Namespace, scenarios: list[Scenario], load: float) -> None:
    from results import update_row

    today = date.today().isoformat()
    command = "python bench/pipeline_stages.py"
    for flag, value, default in (("--transactions", args.transactions, 1_000_000), ("--days", args.days, 30),
                                 ("--per-day", args.per_day, 10_000)):
        if value != default:
            command += f" {flag} {value}"
    command += (" --skip-backfill" if args.skip_backfill else "") + " --update-results"
    bench = "pipeline_stages"
    day = scenarios[0]
    label = f"1 day of ~{args.transactions:,} tx"
    for stage, seconds in day.stage_seconds.items():
        update_row(bench, f"{label}: {stage} (s)", fmt(seconds), fmt(day.anchor[stage]),
                   ratio(seconds, day.anchor[stage]), today, command)
    checks = sum(v for k, v in day.other_steps.items() if k != "staging_invalid_transactions")
    update_row(bench, f"{label}: blocking checks, 3 steps (s)", fmt(checks), "-", "-", today, command)
    update_row(bench, f"{label}: peak RSS of the run, Python + Spark JVM + dbt (MB)",
               f"{day.ours['tree_peak_rss_mb']:,.0f}", "-", "-", today, command)
    update_row(bench, f"{label}: total, run wall time incl. checks and Spark start (s)",
               fmt(day.ours["wall_seconds"]), fmt(day.anchor_total), ratio(day.ours["wall_seconds"], day.anchor_total),
               today, command)
    if len(scenarios) > 1:
        back = scenarios[1]
        n = len(back.days)
        label = f"{n}-day backfill of ~{args.per_day:,} tx/day (one single-run backfill)"
        total = back.ours["wall_seconds"]
        update_row(bench, f"{label}: total (s)", fmt(total), fmt(back.anchor_total), ratio(total, back.anchor_total),
                   today, command)
        update_row(bench, f"{label}: per day (s)", fmt(total / n), fmt(back.anchor_total / n),
                   ratio(total, back.anchor_total), today, command)
    update_row(bench, f"machine 1-min load average during the run ({os.cpu_count()} cores)", f"{load:.1f}", "-", "-",
               today, command)


if __name__ == "__main__":
    main()
