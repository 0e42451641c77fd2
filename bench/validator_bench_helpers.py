"""Helpers shared by the validator and lander benchmarks: topics, a workload, timed, RSS-sampled processes."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psutil
from elasticsearch import Elasticsearch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fraud_platform.settings import Settings  # noqa: E402
from fraud_platform.stack import topics as kafka_topics  # noqa: E402
from fraud_platform_tests.streaming.workload import produce, workload  # noqa: E402

STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


@dataclass
class ProcessRun:
    seconds: float  # from the first "assigned partitions" to the last "drained" line
    peak_rss_mb: float  # the largest of the processes


# Processes that load the 2-core machine while a throughput benchmark runs: sensor ticks, runs, and
# any code server the daemon starts itself (without the stack's shared one it starts one every
# 60 s, each importing the whole code location: about a core for half a minute).
BACKGROUND_LOAD = ("dagster-daemon", "dagster-webserver", "dagster api grpc")


def warn_about_background_load() -> None:
    """Say so when Dagster runs beside the benchmark: its load made runs vary two-fold."""
    busy = set()
    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        busy.update(name for name in BACKGROUND_LOAD if name in command)
    if busy:
        print(f"warning: {', '.join(sorted(busy))} running: its load skews this benchmark; for figures to record, "
              "run it on `fraud-platform stack up --profile embedded` (Kafka and Elasticsearch only)", flush=True)


def create_topics(settings: Settings, *topics: str, partitions: int = 6) -> None:
    kafka_topics.create_topics(settings.kafka.client_config(), list(topics), partitions)


def delete_topics(settings: Settings, *topics: str) -> None:
    kafka_topics.delete_topics(settings.kafka.client_config(), list(topics))


def delete_index(settings: Settings, index: str) -> None:
    Elasticsearch(settings.elasticsearch.url).options(ignore_status=404).indices.delete(index=index)


def produce_workload(settings: Settings, topic: str, n: int, valid_only: bool = False) -> None:
    """The benchmark workload (every defect class and resends mixed in), or only its valid messages."""
    print(f"producing {n:,} {'valid ' if valid_only else ''}messages to {topic}")
    if valid_only:
        # The valid share is about 97 %: generate enough, keep the first n valid ones.
        messages = [m for m in workload(n + n // 20 + 100, seed=42) if m.fate == "valid"][:n]
    else:
        messages = workload(n, seed=42)
    produce(settings.kafka.client_config(), topic, messages)


def _stamp(line: str) -> float:
    return datetime.strptime(STAMP.match(line).group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()


def median_run(runs: list[ProcessRun]) -> ProcessRun:
    """The median run by duration (peak RSS: the largest of all runs)."""
    ordered = sorted(runs, key=lambda run: run.seconds)
    return ProcessRun(ordered[len(ordered) // 2].seconds, max(run.peak_rss_mb for run in runs))


def run_processes(commands: list[list[str]]) -> ProcessRun:
    logs = [tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False) for _ in commands]
    processes = [subprocess.Popen(c, stdout=log, stderr=subprocess.STDOUT) for c, log in zip(commands, logs)]
    peak = 0
    while any(p.poll() is None for p in processes):
        for p in processes:
            try:
                peak = max(peak, psutil.Process(p.pid).memory_info().rss)
            except psutil.NoSuchProcess:
                pass
        time.sleep(0.05)
    starts, ends = [], []
    for process, log in zip(processes, logs):
        text = Path(log.name).read_text().splitlines()
        if process.returncode != 0:
            raise SystemExit(f"{process.args} failed:\n" + "\n".join(text[-20:]))
        starts += [_stamp(line) for line in text if STAMP.match(line) and "assigned partitions" in line][:1]
        ends += [_stamp(line) for line in text if STAMP.match(line) and "drained" in line]
    return ProcessRun(max(ends) - min(starts), peak / 2**20)
