"""Validator throughput against a pass-through loop, side by side in one run; two validators vs one.

The pass-through (bench/validator_passthrough.py) consumes and produces with the same client
settings, batch size and Kafka transactions, but validates nothing and writes nothing to
Elasticsearch. Each run reads the same raw topic (fresh groups, output topics and invalid
indices). Throughput is messages / (drained - assigned) from each process's own log, so
interpreter start-up is left out; peak RSS is sampled with psutil. Runs against the local
stack's Kafka and Elasticsearch (`fraud-platform stack up --profile embedded`: the services
profile's Dagster daemon loads the machine).

On a small shared machine one run of each varies by a third from run to run, so the pass-through
and the validator run alternately --rounds times and the medians are compared (each round's
ratio is printed too).

A million messages by default: from "assigned" to the first fetched batch takes about a second
for either process, which at 200,000 messages was a third of the pass-through's run and made
the ratio look better than the steady state (0.6 then, 0.47 at a million).

`--valid-only` runs the same comparison on the workload's valid messages alone: no invalid
message, so nothing for Elasticsearch. Its rows (marked "valid messages only") separate what
validating costs from what writing the invalid messages to Elasticsearch costs.

    .venv/bin/python bench/validator_throughput.py [--messages 1000000] [--rounds 5] [--valid-only]
        [--update-results]
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path
from datetime import date

from validator_bench_helpers import (ProcessRun, create_topics, delete_index, delete_topics, median_run, produce_workload,
                                     run_processes, warn_about_background_load)
from results import update_row

from fraud_platform.settings import Settings

BATCH = 2000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5, help="alternate pass-through / validator runs")
    parser.add_argument("--valid-only", action="store_true", help="only the workload's valid messages")
    parser.add_argument("--update-results", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env()
    warn_about_background_load()
    tag = uuid.uuid4().hex[:8]
    raw = f"bench-raw-{tag}"
    outs = [f"bench-out{i}-{tag}" for i in range(2 * args.rounds + 1)]
    # An invalid index per group: each run writes new documents, as a validator does in steady
    # state; a shared one would make every later run overwrite the first run's documents.
    groups = [f"one{r}-{tag}" for r in range(args.rounds)] + [f"two-{tag}"]
    create_topics(settings, raw, *outs)
    try:
        produce_workload(settings, raw, args.messages, valid_only=args.valid_only)

        def validator(out: str, group: str, instance: str) -> list[str]:
            return [sys.executable, "-m", "streaming.validator.cli", "--raw-topic", raw, "--validated-topic", out,
                    "--group", group, "--instance", instance, "--index", f"bench-invalid-{group}",
                    "--batch-size", str(BATCH), "--metrics-port", "-1", "--drain"]

        passthroughs, ones = [], []
        for r in range(args.rounds):
            passthroughs.append(run_processes([[sys.executable, str(Path(__file__).with_name("validator_passthrough.py")),
                                                raw, outs[2 * r], f"pass{r}-{tag}", str(BATCH)]]))
            ones.append(run_processes([validator(outs[2 * r + 1], groups[r], "a")]))
            print(f"  round {r + 1}: pass-through {args.messages / passthroughs[-1].seconds:,.0f} msg/s, validator "
                  f"{args.messages / ones[-1].seconds:,.0f} msg/s "
                  f"({passthroughs[-1].seconds / ones[-1].seconds:.2f})", flush=True)
        two = run_processes([validator(outs[-1], groups[-1], "a"), validator(outs[-1], groups[-1], "b")])
    finally:
        delete_topics(settings, raw, *outs)
        for group in groups:  # absent ones (a run that never started) are ignored
            delete_index(settings, f"bench-invalid-{group}")
    report(args, median_run(passthroughs), median_run(ones), two)


def report(args, passthrough: ProcessRun, one: ProcessRun, two: ProcessRun) -> None:
    n = args.messages
    rates = {name: n / run.seconds for name, run in (("pass", passthrough), ("one", one), ("two", two))}
    print(f"pass-through {rates['pass']:,.0f} msg/s, peak RSS {passthrough.peak_rss_mb:.0f} MB")
    print(f"validator    {rates['one']:,.0f} msg/s, peak RSS {one.peak_rss_mb:.0f} MB "
          f"({rates['one'] / rates['pass']:.2f} of pass-through)")
    print(f"2 validators {rates['two']:,.0f} msg/s together, peak RSS {two.peak_rss_mb:.0f} MB per process "
          f"({rates['two'] / rates['one']:.2f}x one)")
    if args.update_results and args.valid_only:
        update_row("validator_throughput", f"validator, 1 process, valid messages only (msg/s, {n:,} messages, median "
                   f"of {args.rounds} alternating rounds)", f"{rates['one']:,.0f}", f"{rates['pass']:,.0f}",
                   f"{rates['one'] / rates['pass']:.2f}", date.today().isoformat(),
                   "python bench/validator_throughput.py --update-results --valid-only")
    elif args.update_results:
        today, command = date.today().isoformat(), "python bench/validator_throughput.py --update-results"
        update_row("validator_throughput",
                   f"validator, 1 process (msg/s, {n:,} messages, median of {args.rounds} alternating rounds)",
                   f"{rates['one']:,.0f}", f"{rates['pass']:,.0f}", f"{rates['one'] / rates['pass']:.2f}", today, command)
        update_row("validator_throughput", f"validator, 2 processes in one group (msg/s, {n:,} messages)",
                   f"{rates['two']:,.0f}", f"{rates['one']:,.0f}", f"{rates['two'] / rates['one']:.2f}", today, command)
        update_row("validator_throughput", "validator peak RSS, 2 processes in one group (MB, the larger)",
                   f"{two.peak_rss_mb:.0f}", f"{passthrough.peak_rss_mb:.0f}",
                   f"{two.peak_rss_mb / passthrough.peak_rss_mb:.2f}", today, command)
        update_row("validator_throughput", "validator peak RSS (MB)", f"{one.peak_rss_mb:.0f}",
                   f"{passthrough.peak_rss_mb:.0f}", f"{one.peak_rss_mb / passthrough.peak_rss_mb:.2f}", today,
                   command)


if __name__ == "__main__":
    main()
