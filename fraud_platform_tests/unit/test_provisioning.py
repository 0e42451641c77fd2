from __future__ import annotations

from pathlib import Path

import pytest

from fraud_platform.settings import Settings
from fraud_platform.stack.kafka import Kafka
from fraud_platform.stack.provisioning import ensure_built, maven_pom
from fraud_platform.stack.service import StackContext


def test_ensure_built_is_atomic(tmp_path: Path):
    target = tmp_path / "tool" / "1.0"
    target.parent.mkdir()

    def failing(tmp: Path) -> None:
        (tmp / "half-written").write_text("x")
        raise RuntimeError("network dropped")

    with pytest.raises(RuntimeError):
        ensure_built(target, failing)
    assert not target.exists()
    assert list(target.parent.iterdir()) == [target.parent / ".lock"]

    calls = []
    ensure_built(target, lambda tmp: (calls.append(1), (tmp / "bin").write_text("ok")))
    ensure_built(target, lambda tmp: calls.append(2))
    assert calls == [1] and (target / "bin").read_text() == "ok"


def test_maven_pom_lists_artifacts():
    pom = maven_pom([("org.apache.kafka", "kafka_2.13", "4.1.1")])
    assert "<artifactId>kafka_2.13</artifactId><version>4.1.1</version>" in pom


def test_kafka_config_supports_transactions_on_one_broker(tmp_path: Path):
    settings = Settings.from_env({"FRAUD_STACK_RUN_DIR": str(tmp_path), "FRAUD_KAFKA_PORT": "19092",
                                  "FRAUD_KAFKA_TOPIC_PARTITIONS": "3"})
    props = dict(line.split("=", 1) for line in Kafka(StackContext(settings)).server_properties().splitlines() if line)
    assert props["transaction.state.log.replication.factor"] == "1"
    assert props["transaction.state.log.min.isr"] == "1"
    assert props["offsets.topic.replication.factor"] == "1"
    assert props["process.roles"] == "broker,controller"
    assert props["listeners"].startswith("PLAINTEXT://127.0.0.1:19092,")
    assert props["num.partitions"] == "3"
