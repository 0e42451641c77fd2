"""`fraud-platform demo`: the whole path on the embedded default, with progress.

stack up → generator backfill (N days) and a short live stream into Kafka → validator and
lander drain them into Elasticsearch and the local lake → the Dagster daemon's landed-files
sensor starts one run per day → PRODUCTION tables in DuckDB → the model is trained and the days
scored → the Dagster UI stays up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import click

from fraud_platform.settings import Settings
from fraud_platform.stack.errors import StackError

BIN = Path(sys.executable).parent


def step(message: str) -> None:
    click.secho(f"==> {message}", bold=True, err=True)


def run_cli(argv: list[str], what: str, env: dict[str, str] | None = None) -> None:
    started = time.monotonic()
    result = subprocess.run(argv, env=env)
    if result.returncode != 0:
        raise StackError(f"{what} failed (exit {result.returncode}); the output above says why")
    click.echo(f"    {what}: done in {time.monotonic() - started:.0f} s", err=True)


def wait_for_sensor_runs(home: Path, expected_days: set[str], timeout_s: int) -> dict[str, str]:
    """Poll the Dagster instance until every expected day has a finished sensor run."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        deadline = time.monotonic() + timeout_s
        last = ""
        while time.monotonic() < deadline:
            runs = instance.get_runs(dg.RunsFilter(tags={"fraud_platform/trigger": "landed_files"}))
            latest: dict[str, dg.DagsterRun] = {}
            for run in sorted(runs, key=lambda r: r.run_id):
                day = run.tags.get("dagster/partition")
                if day in expected_days and (day not in latest or run.status.value != "CANCELED"):
                    latest[day] = run
            done = {d: r.status.value for d, r in latest.items() if r.is_finished}
            line = (f"    sensor runs: {len(latest)}/{len(expected_days)} requested, {len(done)} finished "
                    f"({sum(s == 'SUCCESS' for s in done.values())} succeeded, "
                    f"{sum(s == 'FAILURE' for s in done.values())} failed)")
            if line != last:
                click.echo(line, err=True)
                last = line
            if len(done) == len(expected_days):
                return done
            time.sleep(5)
    raise StackError(f"the sensor runs did not finish within {timeout_s} s; see the Dagster UI")


# validation 3 | train 7 | delay 7 | test 7 days of sandbox features (FRAUD_ML_* windows).
ML_MIN_DAYS = 24


def train_and_score(home: Path, days: list[str], settings: Settings) -> None:
    """Train both models (the promotion check decides on the champion), then score the last days."""
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    materialize = [str(BIN / "dagster"), "asset", "materialize", "-m", "fraud_platform.definitions"]
    step("training XGBoost and Isolation Forest (MLflow); the blocking check gates promotion")
    # A failing promotion check exits non-zero by design; the alias lookup below tells the outcome.
    subprocess.run([*materialize, "--select", "fraud_model,fraud_model_isolation_forest"], env=env, check=False)
    from mlflow import MlflowClient

    name = settings.ml.registered_model_name
    client = MlflowClient(tracking_uri=settings.mlflow_tracking_uri)
    try:
        champion = client.get_model_version_by_alias(name, "champion")
    except Exception:  # no registered model, or no version under the alias yet
        if client.search_model_versions(f"name = '{name}'"):
            click.echo("    no champion: the model did not reach FRAUD_ML_MIN_AVERAGE_PRECISION; "
                       "scoring skipped (see the promotion check in the Dagster UI)", err=True)
        else:
            click.echo("    training failed before a model was registered (see the run log above or the "
                       "Dagster UI); scoring skipped", err=True)
        return
    step(f"scoring the last 3 days with {settings.ml.registered_model_name} v{champion.version} @champion")
    for day in days[-3:]:
        run_cli([*materialize, "--select", "fraud_scores,agg_model_performance_daily", "--partition", day],
                f"scores for {day}", env=env)


@click.command()
@click.option("--days", default=35, show_default=True, help=f"Days of history to generate; training needs at least {ML_MIN_DAYS}.")
@click.option("--customers", default=1000, show_default=True, help="Generator population (volume per day).")
@click.option("--live-seconds", default=20, show_default=True, help="Seconds of live stream after the backfill.")
@click.option("--timeout", "timeout_s", default=5400, show_default=True, help="Longest wait for the daily runs.")
@click.option("--seed", type=int, default=None,
              help="Generator seed. Default: new each run, so a repeated demo adds new transactions instead of "
                   "replaying ids the validator would reject as duplicates.")
def demo(days: int, customers: int, live_seconds: int, timeout_s: int, seed: int | None) -> None:
    """Run the whole pipeline on the embedded default and leave the Dagster UI up."""
    from fraud_platform.stack.dagster_services import dagster_home
    from fraud_platform.stack.manager import StackManager
    from fraud_platform.stack.service import StackContext

    settings = Settings.from_env()
    if settings.profile != "embedded":
        raise StackError("the demo runs on the embedded profile; unset FRAUD_PROFILE")
    manager = StackManager(StackContext(settings, report=lambda line: click.echo(f"    {line}", err=True)))
    step("starting Kafka and Elasticsearch")
    manager.up("embedded")

    seed = int(time.time()) if seed is None else seed
    today = date.today()
    start = today - timedelta(days=days)
    data = Path(settings.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    step(f"generating {days} days of transactions ({start} .. {today - timedelta(days=1)}, seed {seed}) into Kafka")
    run_cli([str(BIN / "fraud-generator"), "backfill", "--start", start.isoformat(), "--end", today.isoformat(),
             "--customers", str(customers), "--seed", str(seed),
             "--summary-json", str(data / "demo-backfill-summary.json")],
            "generator backfill")
    step(f"streaming live transactions for {live_seconds} s")
    run_cli([str(BIN / "fraud-generator"), "live", "--rate", "50", "--duration", str(live_seconds),
             "--customers", str(customers), "--seed", str(seed + 1),
             "--summary-json", str(data / "demo-live-summary.json")],
            "generator live")
    step("validating (valid → validated-transactions, invalid → Elasticsearch)")
    run_cli([str(BIN / "fraud-validator"), "--drain", "--metrics-port", "-1"], "validator")
    step(f"landing validated transactions in the lake at {settings.lake_root}")
    run_cli([str(BIN / "fraud-lander"), "--drain", "--metrics-port", "-1"], "lander")

    landed = sorted(p.name[3:] for p in (Path(settings.lake_root) / "raw/transactions").glob("dt=*"))
    from fraud_platform.defs.partitions import daily_partitions

    expected = set(landed) & set(daily_partitions.get_partition_keys())
    step("starting the Dagster code server, webserver and daemon; the landed-files sensor starts one run per day")
    dagster = ["dagster-code-server", "dagster-webserver", "dagster-daemon"]
    # A Dagster left running by the services profile serves another instance: restart it here.
    manager.down("services", dagster)
    manager.up("embedded", dagster)
    home = dagster_home(manager.ctx, "embedded")
    results = wait_for_sensor_runs(home, expected, timeout_s)
    failed = sorted(d for d, s in results.items() if s != "SUCCESS")

    if len(expected) >= ML_MIN_DAYS:
        train_and_score(home, sorted(expected), settings)
    else:
        click.echo(f"    ({len(expected)} days: the model needs {ML_MIN_DAYS}, so training is skipped)", err=True)

    step("PRODUCTION tables")
    import duckdb

    with duckdb.connect(settings.warehouse.duckdb_path, read_only=True) as con:
        for (table,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'PRODUCTION' order by 1"
        ).fetchall():
            count = con.execute(f'select count(*) from "PRODUCTION"."{table}"').fetchone()[0]
            click.echo(f"    PRODUCTION.{table}: {count} rows", err=True)
    summary = json.loads((data / "demo-backfill-summary.json").read_text())
    click.echo(f"    generated {summary['produced']} messages ({summary['valid']} valid)", err=True)
    url = f"http://{settings.dagster.host}:{settings.dagster.port}"
    click.secho(f"\nDagster UI: {url}  (asset graph: {url}/asset-groups, runs: {url}/runs)", bold=True)
    click.echo(f"Stop everything with: {BIN / 'fraud-platform'} stack down")
    if failed:
        raise StackError(f"runs failed for {len(failed)} day(s): {', '.join(failed[:5])}; open {url}/runs")
