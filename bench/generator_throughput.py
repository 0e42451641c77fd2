"""Generator throughput into Kafka vs Kafka's own ProducerPerformance, one run, same broker.

Runs `fraud-generator backfill` (default preset) as a child process into a fresh topic,
takes its rate from the summary (streaming phase: simulate, encode, produce, flush) and its
peak RSS from getrusage(RUSAGE_CHILDREN) (it is the only child at that point). Then runs
org.apache.kafka.tools.ProducerPerformance from the broker's own jars into another fresh
topic with the generator's mean message size, record count, lz4 and the same batching
settings. Both topics are deleted afterwards. Note: ProducerPerformance sends one random
payload (incompressible), our JSON compresses about 4x, so bytes on the wire differ.

    .venv/bin/python bench/generator_throughput.py [--update-results] [--days 90]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


from results import update_row

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fraud_platform.settings import Settings  # noqa: E402
from fraud_platform.stack import topics as kafka_topics  # noqa: E402
from streaming.generator.sinks import PRODUCER_TUNING  # noqa: E402

TARGET_RATE = 100_000
TARGET_RATIO = 0.3
TARGET_RSS_MB = 300


def fresh_topic(settings: Settings, prefix: str, partitions: int) -> str:
    name = f"{prefix}-{int(time.time() * 1000)}"
    kafka_topics.create_topics(settings.kafka.client_config(), [name], partitions)
    return name


def run_generator(topic: str, days: int, summary_path: Path) -> tuple[dict, float, float, float]:
    start = date(2024, 1, 1)
    command = [str(ROOT / ".venv/bin/fraud-generator"), "backfill", "--start", start.isoformat(),
               "--end", (start + timedelta(days=days)).isoformat(), "--topic", topic, "--no-progress",
               "--summary-json", str(summary_path)]
    started = time.monotonic()
    subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = usage.ru_maxrss / 1024  # kB on Linux
    # CPU the generator used (all threads, start-up included): what it costs apart from
    # waiting for the broker or for a core on a busy machine.
    return json.loads(summary_path.read_text()), wall, peak_mb, usage.ru_utime + usage.ru_stime


def run_perf_test(settings: Settings, topic: str, records: int, size: int) -> float:
    libs = Path(settings.stack.cache_dir) / "kafka" / settings.kafka.version / "libs"
    java = Path(settings.stack.java_home) / "bin" / "java" if settings.stack.java_home else Path("java")
    props = [f"bootstrap.servers={settings.kafka.bootstrap}", "compression.type=lz4", "acks=all",
             "enable.idempotence=true", f"linger.ms={PRODUCER_TUNING['linger.ms']}",
             f"batch.size={PRODUCER_TUNING['batch.size']}"]
    command = [str(java), "-Xmx512m", "-cp", f"{libs}/*", "org.apache.kafka.tools.ProducerPerformance",
               "--topic", topic, "--num-records", str(records), "--record-size", str(size),
               "--throughput", "-1", "--producer-props", *props]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    final = [line for line in output.splitlines() if "records sent" in line][-1]
    print(f"  perf test: {final.strip()}")
    return float(re.search(r"([\d.]+) records/sec", final).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update-results", action="store_true", help="Write the rows into bench/RESULTS.md")
    parser.add_argument("--days", type=int, default=90, help="Days of the default preset (~20k tx/day)")
    args = parser.parse_args()
    settings = Settings.from_env()
    partitions = settings.kafka.topic_partitions
    topics = []
    load_before = os.getloadavg()[0]
    try:
        topics.append(fresh_topic(settings, "bench-generator", partitions))
        with tempfile.TemporaryDirectory() as tmp:
            summary, wall, peak_mb, cpu = run_generator(topics[-1], args.days, Path(tmp) / "summary.json")
        produced = summary["produced"]
        rate = summary["messages_per_second"]
        mean_size = round(summary["produced_bytes"] / produced)
        print(f"  generator: {produced:,} messages, mean {mean_size} B, {rate:,} msg/s streaming "
              f"({produced / wall:,.0f}/s including start-up, {wall:.1f} s), CPU {cpu:.1f} s "
              f"({1e6 * cpu / produced:.1f} us/msg), peak RSS {peak_mb:.0f} MB, "
              f"delivery failures {summary['delivery_failed']}")
        topics.append(fresh_topic(settings, "bench-perf", partitions))
        anchor = run_perf_test(settings, topics[-1], produced, mean_size)
    finally:
        kafka_topics.delete_topics(settings.kafka.client_config(), topics)
    ratio = rate / anchor
    load = max(load_before, os.getloadavg()[0])
    print(f"  1-minute load average on this {os.cpu_count()}-core machine: up to {load:.1f} "
          "(other processes compete with the broker and the generator)")
    verdict = lambda ok: "meets" if ok else "MISSES"  # noqa: E731
    print(f"generator {rate:,.0f} msg/s vs ProducerPerformance {anchor:,.0f} records/s: ratio {ratio:.2f} "
          f"({verdict(rate >= TARGET_RATE)} >= {TARGET_RATE:,}/s, {verdict(ratio >= TARGET_RATIO)} >= {TARGET_RATIO}); "
          f"peak RSS {peak_mb:.0f} MB ({verdict(peak_mb <= TARGET_RSS_MB)} <= {TARGET_RSS_MB} MB)")
    if args.update_results:
        today = date.today().isoformat()
        command = f"python bench/generator_throughput.py --days {args.days} --update-results"
        update_row("generator_throughput", f"generator into Kafka, msg/s ({mean_size} B, lz4, 1 process)",
                   f"{rate:,.0f}", f"{anchor:,.0f}", f"{ratio:.2f}", today, command)
        update_row("generator_throughput", "generator incl. start-up (pools, Faker), msg/s",
                   f"{produced / wall:,.0f}", f"{anchor:,.0f}", f"{produced / wall / anchor:.2f}", today, command)
        update_row("generator_throughput", "generator CPU per message incl. start-up (us)",
                   f"{1e6 * cpu / produced:.1f}", "-", "-", today, command)
        update_row("generator_throughput", f"machine 1-min load average during the run ({os.cpu_count()} cores)",
                   f"{load:.1f}", "-", "-", today, command)
        update_row("generator_throughput", "generator peak RSS (MB)", f"{peak_mb:.0f}", f"{TARGET_RSS_MB} (target)",
                   f"{peak_mb / TARGET_RSS_MB:.2f}", today, command)


if __name__ == "__main__":
    main()
