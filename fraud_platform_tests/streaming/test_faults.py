"""Faults on an isolated stack (own run directory and ports, so the shared stack is never touched):
Elasticsearch stopped for 30 s mid-run, and the Kafka broker restarted mid-run. Afterwards the
counts are exact: lake + Elasticsearch == produced, no duplicates."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from fraud_platform.settings import Settings
from fraud_platform_tests.stack.conftest import free_port

from .checks import invalid_documents, lake_transaction_ids
from .conftest import lake_of, make_pipeline, teardown_pipeline
from .workload import produce, workload

pytestmark = [pytest.mark.services]

SERVICES = ["--service", "kafka", "--service", "elasticsearch", "--service", "s3"]


class IsolatedStack:
    def __init__(self) -> None:
        # Under /var/tmp, world-traversable: Elasticsearch runs as the unprivileged service user.
        self.run_dir = Path(tempfile.mkdtemp(prefix="fraud-stream-faults-", dir="/var/tmp"))
        self.run_dir.chmod(0o755)
        self.env = {
            **os.environ,
            "FRAUD_STACK_RUN_DIR": str(self.run_dir),
            "FRAUD_KAFKA_PORT": str(free_port()),
            "FRAUD_KAFKA_CONTROLLER_PORT": str(free_port()),
            "FRAUD_ES_PORT": str(free_port()),
            "FRAUD_ES_TRANSPORT_PORT": str(free_port()),
            "FRAUD_S3_PORT": str(free_port()),
            "FRAUD_STACK_START_TIMEOUT": "180",
            "FRAUD_STREAMING_REPORT_INTERVAL_S": "5",
        }
        self.settings = Settings.from_env(self.env)

    def stack(self, *args: str) -> None:
        result = subprocess.run([sys.executable, "-m", "fraud_platform.cli", "stack", *args, "--profile", "services"],
                                env=self.env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-2000:]


@pytest.fixture(scope="module")
def isolated():
    stack = IsolatedStack()
    try:
        stack.stack("up", *SERVICES)
        yield stack
    finally:
        stack.stack("down")
        shutil.rmtree(stack.run_dir, ignore_errors=True)


@pytest.fixture
def isolated_pipeline(isolated, tmp_path):
    pipeline = make_pipeline(isolated.settings, isolated.env, str(tmp_path / "lake"), tmp_path)
    yield pipeline
    teardown_pipeline(pipeline)


def run_with_fault(pipeline, isolated, fault) -> list:
    """Half the messages, processes running, the fault, the other half, graceful stop, drain."""
    messages = workload(40_000, seed=6)
    half = len(messages) // 2
    bootstrap = isolated.settings.kafka.client_config()
    produce(bootstrap, pipeline.raw_topic, messages[:half])
    validator = pipeline.start(pipeline.validator_args("v0", "--batch-size", "500"), "validator")
    lander = pipeline.start(pipeline.lander_args("l0", "--rotate-records", "2000"), "lander")
    pipeline.wait_ready(validator)
    pipeline.wait_ready(lander)
    fault(lambda: produce(bootstrap, pipeline.raw_topic, messages[half:]))
    for process, name in ((validator, "validator"), (lander, "lander")):
        pipeline.stop(process, name)
    pipeline.run(pipeline.validator_args("v0", "--drain"), "validator")
    pipeline.run(pipeline.lander_args("l0", "--drain", "--rotate-records", "2000"), "lander")
    return messages


def assert_exact(pipeline, settings, messages) -> None:
    landed = lake_transaction_ids(lake_of(settings, pipeline.lake_root))
    assert max(landed.values()) == 1
    assert set(landed) == {m.transaction_id for m in messages if m.fate == "valid"}
    documents = invalid_documents(settings.elasticsearch.url, pipeline.index)
    assert len(documents) == sum(m.fate != "valid" for m in messages)
    assert sum(landed.values()) + len(documents) == len(messages)


def test_elasticsearch_down_for_30_s(isolated, isolated_pipeline):
    def outage(produce_rest):
        isolated.stack("down", "--service", "elasticsearch")
        produce_rest()  # invalid messages arrive while Elasticsearch is away
        time.sleep(30)
        isolated.stack("up", "--service", "elasticsearch")

    messages = run_with_fault(isolated_pipeline, isolated, outage)
    assert_exact(isolated_pipeline, isolated.settings, messages)
    logs = "".join(p.read_text() for p in isolated_pipeline.log_dir.glob("validator-*.log"))
    assert "not advancing (ElasticsearchUnavailable" in logs


def test_kafka_broker_restart(isolated, isolated_pipeline):
    def restart(produce_rest):
        time.sleep(1)
        isolated.stack("down", "--service", "kafka")
        time.sleep(3)
        isolated.stack("up", "--service", "kafka")
        produce_rest()

    messages = run_with_fault(isolated_pipeline, isolated, restart)
    assert_exact(isolated_pipeline, isolated.settings, messages)
