"""Lander throughput against a plain consumer of the same topic, side by side in one run.

A topic of valid records is written once (transactionally, by the validator: the lander's real
input, transaction markers included); then a plain read_committed consumer reads it to the end,
and the lander lands it into a fresh local directory. Throughput is records / (drained -
assigned) from each process's log; peak RSS sampled with psutil.

The plain consumer and the lander run alternately --rounds times (a fresh group and lake each
time) and the medians are compared, as run-to-run noise on a small shared machine is large.
Every round's lake is kept until the end: deleting thousands of files just before a lander round
made ext4 scan past the recently freed inodes on every file it created (`recently_deleted` in
`__ext4_new_inode`, a tenth of the machine's time in a perf profile), a cost of the benchmark and
not of the lander.

A million messages by default: the first fetch after "assigned" takes about a second for either
process, which at 200,000 messages was most of the plain consumer's run (0.60 then, 0.29 in the
steady state).

The lake's own cost is measured in the same run: the files of the last lander round are counted,
and as many files of their mean size are written through LocalLake.write (create, write, fsync,
rename) by this process, timing its CPU: a cost per record the plain consumer does not have.

The workload spaces its event times 1.3 s apart (about 2,800 records an event hour). The lander's
default event-day rotation cuts it into files of up to 10,000 records (FRAUD_LANDER_ROTATE_RECORDS).
`--rotate-interval-s 3600` cuts it by event hour instead, into files of a few hundred records,
where the fsync of each file dominates; those rows are recorded apart.

    .venv/bin/python bench/lander_throughput.py [--messages 1000000] [--rounds 5] [--rotate-interval-s N]
        [--update-results]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import uuid
from pathlib import Path
from datetime import date

from validator_bench_helpers import (create_topics, delete_index, delete_topics, median_run, produce_workload,
                                     run_processes, warn_about_background_load)
from results import update_row

from fraud_platform.settings import LanderSettings, Settings
from streaming.common.lake import LocalLake

ROTATIONS = {3600: "event-hour rotation", 86400: "event-day rotation"}
DEFAULT_INTERVAL = LanderSettings().rotate_interval_s
ROUNDS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--lake-parent", default=None,
                        help="directory to create the temporary lake in (default: the system temp dir)")
    # Five: single rounds of either spread by a fifth on this machine (two cores shared with the broker).
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="alternate plain consumer / lander runs")
    parser.add_argument("--rotate-interval-s", type=int, default=None,
                        help="the lander's event-time rotation (FRAUD_LANDER_ROTATE_INTERVAL_S; default: its "
                             "setting, a day): 3600 cuts the workload's files by event hour")
    parser.add_argument("--update-results", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env()
    interval = settings.lander.rotate_interval_s if args.rotate_interval_s is None else args.rotate_interval_s
    rotation = ROTATIONS.get(interval, f"{interval} s event-time rotation")
    default = interval == DEFAULT_INTERVAL  # its rows name no rotation
    warn_about_background_load()
    tag = uuid.uuid4().hex[:8]
    raw, validated = f"bench-raw-{tag}", f"bench-validated-{tag}"
    lakes = tempfile.mkdtemp(prefix="bench-lakes-", dir=args.lake_parent)  # a fresh lake per round, all kept
    create_topics(settings, raw, validated)
    try:
        produce_workload(settings, raw, args.messages)
        run_processes([[sys.executable, "-m", "streaming.validator.cli", "--raw-topic", raw, "--validated-topic",
                        validated, "--group", f"v-{tag}", "--index", f"bench-invalid-{tag}", "--metrics-port", "-1",
                        "--drain"]])
        records = count_records(settings, validated)
        plains, landers = [], []
        for r in range(args.rounds):
            plains.append(run_processes([[sys.executable, str(Path(__file__).with_name("lander_plain_consumer.py")),
                                          validated, f"plain{r}-{tag}"]]))
            lake = os.path.join(lakes, f"round-{r + 1}")
            landers.append(run_processes([[sys.executable, "-m", "streaming.lander.cli", "--topic", validated,
                                           "--group", f"l{r}-{tag}", "--lake-root", lake, "--metrics-port", "-1",
                                           "--rotate-interval-s", str(interval), "--drain"]]))
            files = sorted(Path(lake).rglob("*.jsonl.gz"))
            print(f"  round {r + 1}: plain {records / plains[-1].seconds:,.0f} rec/s, lander "
                  f"{records / landers[-1].seconds:,.0f} rec/s ({plains[-1].seconds / landers[-1].seconds:.2f})",
                  flush=True)
        plain, lander = median_run(plains), median_run(landers)
        file_bytes = sum(f.stat().st_size for f in files) // max(len(files), 1)
        file_cpu_ms = lake_write_cpu_ms(args.lake_parent, len(files), file_bytes)
    finally:
        delete_topics(settings, raw, validated)
        delete_index(settings, f"bench-invalid-{tag}")
        shutil.rmtree(lakes, ignore_errors=True)
    plain_rate, lander_rate = records / plain.seconds, records / lander.seconds
    print(f"plain consumer {plain_rate:,.0f} rec/s, peak RSS {plain.peak_rss_mb:.0f} MB")
    print(f"lander         {lander_rate:,.0f} rec/s, peak RSS {lander.peak_rss_mb:.0f} MB "
          f"({lander_rate / plain_rate:.2f} of plain)")
    per_1000 = 1000 * len(files) / records
    file_us, plain_us = per_1000 * file_cpu_ms, 1e6 / plain_rate  # per record
    print(f"lake: {len(files):,} files of {file_bytes / 1000:.0f} kB mean ({per_1000:.1f} per 1,000 records); "
          f"writing one costs {file_cpu_ms:.2f} ms of CPU here, {file_us:.1f} us per record, against the plain "
          f"consumer's {plain_us:.1f} us per record in all")
    if args.update_results:
        today, command = date.today().isoformat(), "python bench/lander_throughput.py --update-results"
        if args.rounds != ROUNDS:
            command += f" --rounds {args.rounds}"
        if not default:
            command += f" --rotate-interval-s {interval}"
        update_row("lander_throughput", f"lander, 1 process, local lake (records/s, {args.messages:,} messages, "
                   f"median of {args.rounds} alternating rounds{'' if default else ', ' + rotation})",
                   f"{lander_rate:,.0f}", f"{plain_rate:,.0f}", f"{lander_rate / plain_rate:.2f}", today, command)
        update_row("lander_throughput", f"lake files per 1,000 records ({rotation}, default world)",
                   f"{per_1000:.1f}", "-", "-", today, command)
        update_row("lander_throughput", "lander peak RSS (MB)" + ("" if default else f", {rotation}"),
                   f"{lander.peak_rss_mb:.0f}", f"{plain.peak_rss_mb:.0f}",
                   f"{lander.peak_rss_mb / plain.peak_rss_mb:.2f}", today, command)
        suffix = "" if default else f", {rotation}"
        update_row("lander_throughput", f"lake file write (create, write, fsync, rename): CPU per file (ms){suffix}",
                   f"{file_cpu_ms:.2f}", "-", "-", today, command)
        update_row("lander_throughput", "lake file writes: CPU per record (us) vs the plain consumer's time "
                   f"per record{suffix}", f"{file_us:.1f}", f"{plain_us:.1f}", f"{file_us / plain_us:.2f}", today,
                   command)


def lake_write_cpu_ms(parent: str | None, files: int, size: int) -> float:
    """CPU (user + system) of this process per LocalLake.write of `size` bytes, over `files` files
    spread like the lander's (a directory per day), in a fresh temporary lake."""
    files = max(files, 100)
    root = tempfile.mkdtemp(prefix="bench-lake-files-", dir=parent)
    data = os.urandom(size)  # incompressible like gzip output
    try:
        lake = LocalLake(root)
        before = resource.getrusage(resource.RUSAGE_SELF)
        for i in range(files):
            lake.write(f"raw/transactions/dt=2024-01-{i % 28 + 1:02d}/t+{i % 6}+{i:010d}.jsonl.gz", data)
        after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 1000 * (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / files


def count_records(settings: Settings, topic: str) -> int:
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({**settings.kafka.client_config(), "group.id": "count"})
    total = 0
    for p in consumer.list_topics(topic, timeout=10).topics[topic].partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
        total += high - low
    consumer.close()
    # Watermarks include transaction markers; the logs' record counts are exact, this is the upper bound.
    return total


if __name__ == "__main__":
    main()
