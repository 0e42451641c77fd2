"""The validator's and the lander's /metrics while they run: Prometheus text format (read with the
reference parser), counts that match the workload, reasons by code, throughput and lag."""

from __future__ import annotations

import re
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from .workload import produce, workload

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("services_stack")]
ADDRESS = re.compile(r"metrics on (http://127\.0\.0\.1:\d+/metrics)")


def metrics_url(process, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = ADDRESS.search(process.log_path.read_text(errors="replace"))
        if found:
            return found.group(1)
        assert process.poll() is None, process.log_path.read_text(errors="replace")[-3000:]
        time.sleep(0.1)
    raise TimeoutError("no metrics address logged")


def scrape(url: str) -> dict[str, dict[tuple, float]]:
    """{sample name: {sorted label items: value}} as Prometheus would read it."""
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def wait_for(url: str, done, timeout: float = 180) -> dict[str, dict[tuple, float]]:
    deadline = time.monotonic() + timeout
    while True:
        samples = scrape(url)
        if done(samples):
            return samples
        assert time.monotonic() < deadline, f"metrics never reached the expected state: {samples}"
        time.sleep(0.5)


def total(samples: dict, name: str) -> float:
    return sum(samples.get(name, {}).values())


def test_validator_and_lander_serve_what_they_did(pipeline, settings):
    messages = workload(3000, seed=5)
    valid = sum(m.fate == "valid" for m in messages)
    validator = pipeline.start(pipeline.validator_args("v0"), "validator")
    lander = pipeline.start(pipeline.lander_args("l0", "--idle-flush-s", "2"), "lander")
    validator_url, lander_url = metrics_url(validator), metrics_url(lander)
    pipeline.wait_ready(validator)
    pipeline.wait_ready(lander)
    produce(settings.kafka.client_config(), pipeline.raw_topic, messages)

    # Lag is refreshed with each periodic report (every 5 s here): wait for one after the work.
    v = wait_for(validator_url, lambda s: total(s, "fraud_validator_messages_total") == len(messages)
                 and s.get("fraud_validator_consumer_lag") and total(s, "fraud_validator_consumer_lag") == 0)
    outcomes = {dict(labels)["outcome"]: value for labels, value in v["fraud_validator_messages_total"].items()}
    assert outcomes == {"valid": valid, "invalid": len(messages) - valid}
    reasons = {dict(labels)["reason"]: value for labels, value in v["fraud_validator_invalid_reasons_total"].items()}
    assert reasons["duplicate_transaction_id"] == sum(m.fate == "duplicate" for m in messages)
    assert sum(reasons.values()) >= len(messages) - valid  # an invalid message may break several rules
    assert total(v, "fraud_validator_batches_total") >= 1
    assert "fraud_validator_throughput_messages_per_second" in v

    landed = wait_for(lander_url, lambda s: total(s, "fraud_lander_records_total") == valid)
    assert total(landed, "fraud_lander_files_total") >= 1 and total(landed, "fraud_lander_bytes_total") > 0
    assert total(landed, "fraud_lander_lake_failures_total") == 0
    assert "fraud_lander_throughput_records_per_second" in landed

    pipeline.stop(validator, "validator")
    pipeline.stop(lander, "lander")
