"""End to end on the embedded profile (local lake + DuckDB): generator → Kafka → validator →
lander → sensor tick → daily runs → PRODUCTION tables with exactly the expected counts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from confluent_kafka.admin import AdminClient, NewTopic
from elasticsearch import Elasticsearch

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("services_stack")]
BIN = Path(sys.executable).parent
DAYS = ["2024-03-01", "2024-03-02", "2024-03-03"]


def run(argv: list[str], env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{argv[0]} failed:\n{result.stderr[-3000:]}"
    return result


def test_generator_to_production_tables(settings, tmp_path):
    suffix = uuid.uuid4().hex[:8]
    raw, validated, index = f"raw-e2e-{suffix}", f"validated-e2e-{suffix}", f"invalid-e2e-{suffix}"
    admin = AdminClient(settings.kafka.client_config())
    for future in admin.create_topics([NewTopic(raw, 3, 1), NewTopic(validated, 3, 1)]).values():
        future.result()
    env = {**os.environ, "FRAUD_PROFILE": "embedded", "FRAUD_LAKE_ROOT": str(tmp_path / "lake"),
           "FRAUD_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"), "FRAUD_ES_INVALID_INDEX": index,
           "FRAUD_SPARK_MASTER": "local[2]", "FRAUD_DATA_DIR": str(tmp_path / "data")}
    summary_path = tmp_path / "summary.json"
    run([str(BIN / "fraud-generator"), "backfill", "--start", DAYS[0], "--end", "2024-03-04", "--customers", "150",
         "--defect-rate", "0.02", "--topic", raw, "--summary-json", str(summary_path), "--no-progress"], env)
    run([str(BIN / "fraud-validator"), "--drain", "--raw-topic", raw, "--validated-topic", validated,
         "--group", f"validator-{suffix}", "--index", index, "--metrics-port", "-1"], env)
    run([str(BIN / "fraud-lander"), "--drain", "--topic", validated, "--group", f"lander-{suffix}",
         "--lake-root", str(tmp_path / "lake"), "--metrics-port", "-1"], env)

    out = run([sys.executable, str(Path(__file__).with_name("dagster_day_runs.py"))], env, timeout=1800)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    summary = json.loads(summary_path.read_text())

    assert result["runs"] == {day: True for day in DAYS}
    assert result["second_tick_requests"] == 0
    assert result["fct"] == {day: summary["days"][day]["valid"] for day in DAYS}
    es = Elasticsearch(settings.elasticsearch.url, request_timeout=30)
    es.indices.refresh(index=index)
    assert es.count(index=index)["count"] == summary["invalid"]
    # Invalid records whose own timestamp is unusable are dated by their Kafka timestamp (today),
    # so the three days hold at most the total.
    assert 0 < sum(result["quality"].values()) <= summary["invalid"]
    es.indices.delete(index=index)
    admin.delete_topics([raw, validated])
