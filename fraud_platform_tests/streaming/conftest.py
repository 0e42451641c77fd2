"""Fixtures of the streaming tests: fresh topics, index, lake location and consumer groups per test,
and the validator and lander run as real processes through their CLIs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from fraud_platform.settings import Settings
from fraud_platform.stack import topics as kafka_topics
from fraud_platform.stack.s3_server import s3_client
from streaming.common.lake import LakeFileSystem, LocalLake, open_lake

PARTITIONS = 6


@dataclass
class Pipeline:
    """Names of one test's private pipeline, and how to run its processes against them."""

    settings: Settings
    env: dict[str, str]
    raw_topic: str
    validated_topic: str
    index: str
    lake_root: str
    tag: str
    log_dir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    logs: dict[str, Path] = field(default_factory=dict)

    def validator_args(self, instance: str, *extra: str) -> list[str]:
        return ["-m", "streaming.validator.cli", "--raw-topic", self.raw_topic, "--validated-topic",
                self.validated_topic, "--group", f"validator-{self.tag}", "--instance", instance, "--index",
                self.index, "--metrics-port", "0", *extra]

    def lander_args(self, instance: str, *extra: str, lake_root: str | None = None, group: str | None = None):
        return ["-m", "streaming.lander.cli", "--topic", self.validated_topic, "--group",
                group or f"lander-{self.tag}", "--instance", instance, "--lake-root", lake_root or self.lake_root,
                "--metrics-port", "0", *extra]

    def start(self, args: list[str], name: str) -> subprocess.Popen:
        path = self.log_dir / f"{name}-{len(self.processes)}.log"
        self.logs[name] = path
        with open(path, "ab") as log:
            process = subprocess.Popen([sys.executable, *args], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        process.log_path = path  # type: ignore[attr-defined]
        self.processes.append(process)
        return process

    def run(self, args: list[str], name: str, timeout: float = 300) -> None:
        process = self.start(args, name)
        try:
            assert process.wait(timeout) == 0, self.log_tail(name)
        finally:
            if process.poll() is None:
                process.kill()

    def stop(self, process: subprocess.Popen, name: str, timeout: float = 180) -> None:
        """SIGTERM and expect exit 0; if it hangs, dump its stacks (SIGUSR1) into the log and fail."""
        process.send_signal(signal.SIGTERM)
        try:
            returncode = process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGUSR1)
            time.sleep(1)
            process.kill()
            raise AssertionError(f"{name} ignored SIGTERM for {timeout} s:\n{self.log_tail(name, 80)}") from None
        assert returncode == 0, self.log_tail(name)

    @staticmethod
    def wait_ready(process: subprocess.Popen, timeout: float = 60) -> None:
        """Until the process logs that it consumes (its signal handlers are installed by then)."""
        Pipeline.wait_for_log(process, " validating ", " landing ", timeout=timeout)

    @staticmethod
    def wait_for_log(process: subprocess.Popen, *texts: str, timeout: float = 60) -> None:
        """Until the running process logs one of `texts`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = process.log_path.read_text(errors="replace")  # type: ignore[attr-defined]
            if any(wanted in text for wanted in texts):
                return
            assert process.poll() is None, text[-3000:]
            time.sleep(0.1)
        raise TimeoutError(f"{process.args} did not log {' or '.join(map(repr, texts))} within {timeout} s")

    def log_tail(self, name: str, lines: int = 40) -> str:
        text = self.logs[name].read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(10)


def create_topics(settings: Settings, *topics: str) -> None:
    kafka_topics.create_topics(settings.kafka.client_config(), list(topics), PARTITIONS)


def delete_topics(settings: Settings, *topics: str) -> None:
    kafka_topics.delete_topics(settings.kafka.client_config(), list(topics))


def make_pipeline(settings: Settings, env: dict[str, str], lake_root: str, log_dir: Path) -> Pipeline:
    tag = uuid.uuid4().hex[:10]
    pipeline = Pipeline(settings, env, f"raw-{tag}", f"validated-{tag}", f"invalid-{tag}", lake_root, tag, log_dir)
    create_topics(settings, pipeline.raw_topic, pipeline.validated_topic)
    return pipeline


def teardown_pipeline(pipeline: Pipeline) -> None:
    pipeline.stop_all()
    delete_topics(pipeline.settings, pipeline.raw_topic, pipeline.validated_topic)
    Elasticsearch(pipeline.settings.elasticsearch.url).options(ignore_status=404).indices.delete(index=pipeline.index)


@pytest.fixture
def pipeline(settings: Settings, tmp_path: Path) -> Iterator[Pipeline]:
    """A private pipeline on the shared services stack; the lake is a fresh local directory."""
    env = {**os.environ, "FRAUD_STREAMING_REPORT_INTERVAL_S": "5"}
    p = make_pipeline(settings, env, str(tmp_path / "lake"), tmp_path)
    yield p
    teardown_pipeline(p)


@pytest.fixture
def s3_prefix(settings: Settings) -> Iterator[str]:
    """A fresh prefix in the lake bucket, removed afterwards."""
    prefix = f"streaming-test-{uuid.uuid4().hex[:10]}"
    yield f"s3://{settings.s3.lake_bucket}/{prefix}"
    client = s3_client(settings.s3)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=settings.s3.lake_bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            client.delete_object(Bucket=settings.s3.lake_bucket, Key=obj["Key"])


def lake_files(lake: LakeFileSystem) -> dict[str, bytes]:
    return {key: lake.read(key) for key in lake.list("raw/transactions")}


def lake_of(settings: Settings, root: str) -> LakeFileSystem:
    return open_lake(settings, root) if root.startswith("s3://") else LocalLake(root)


def rmtree(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)
