"""The end-to-end flow both profiles share: generate three days into Kafka, validate, land,
then one sensor tick and its runs in a fresh interpreter (dagster_day_runs.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from elasticsearch import Elasticsearch

from fraud_platform.settings import Settings
from fraud_platform.stack import topics as kafka_topics

BIN = Path(sys.executable).parent
DAYS = ["2024-03-01", "2024-03-02", "2024-03-03"]


@dataclass(frozen=True)
class FlowResult:
    runs: dict[str, bool]
    second_tick_requests: int
    fct: dict[str, int]
    quality: dict[str, int]
    summary: dict
    invalid_in_elasticsearch: int
    storage: str  # the class of the Dagster run storage the runs were recorded in
    recorded_runs: int


def run(argv: list[str], env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{argv[0]} failed:\n{result.stderr[-3000:]}"
    return result


def generate_to_production(settings: Settings, tmp_path: Path, env_overrides: dict[str, str]) -> FlowResult:
    suffix = uuid.uuid4().hex[:8]
    raw, validated, index = f"raw-e2e-{suffix}", f"validated-e2e-{suffix}", f"invalid-e2e-{suffix}"
    kafka_topics.create_topics(settings.kafka.client_config(), [raw, validated], 3)
    env = {**os.environ, "FRAUD_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"), "FRAUD_ES_INVALID_INDEX": index,
           "FRAUD_SPARK_MASTER": "local[2]", "FRAUD_DATA_DIR": str(tmp_path / "data"), **env_overrides}
    es = Elasticsearch(settings.elasticsearch.url, request_timeout=30)
    try:
        summary_path = tmp_path / "summary.json"
        run([str(BIN / "fraud-generator"), "backfill", "--start", DAYS[0], "--end", "2024-03-04", "--customers", "150",
             "--defect-rate", "0.02", "--topic", raw, "--summary-json", str(summary_path), "--no-progress"], env)
        run([str(BIN / "fraud-validator"), "--drain", "--raw-topic", raw, "--validated-topic", validated,
             "--group", f"validator-{suffix}", "--index", index, "--metrics-port", "-1"], env)
        run([str(BIN / "fraud-lander"), "--drain", "--topic", validated, "--group", f"lander-{suffix}",
             "--lake-root", env["FRAUD_LAKE_ROOT"], "--metrics-port", "-1"], env)
        out = run([sys.executable, str(Path(__file__).with_name("dagster_day_runs.py"))], env, timeout=1800)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        es.indices.refresh(index=index)
        invalid = es.count(index=index)["count"]
    finally:
        es.options(ignore_status=404).indices.delete(index=index)
        kafka_topics.delete_topics(settings.kafka.client_config(), [raw, validated])
    return FlowResult(summary=json.loads(summary_path.read_text()), invalid_in_elasticsearch=invalid, **result)


def assert_exact_counts(flow: FlowResult) -> None:
    assert flow.runs == {day: True for day in DAYS}
    assert flow.second_tick_requests == 0
    assert flow.fct == {day: flow.summary["days"][day]["valid"] for day in DAYS}
    assert flow.invalid_in_elasticsearch == flow.summary["invalid"]
    # Invalid records whose own timestamp is unusable are dated by their Kafka timestamp (today),
    # so the three days hold at most the total.
    assert 0 < sum(flow.quality.values()) <= flow.summary["invalid"]
