"""The validator's per-batch decision in-process: the native fast path against the Python path.

Both decide the benchmark workload of the throughput benchmark (valid messages with every defect
class and resends mixed in), as confluent_kafka Messages over 6 partitions in the validator's
batches, through decide_batch (route + the dedup windows: the validator's own loop), alternating
over --rounds; no Kafka, no Elasticsearch, so the figure is the CPU (process time) each path
costs per message, without the run-to-run noise of the broker on a shared machine.

    .venv/bin/python bench/validator_routing.py [--messages 200000] [--rounds 3] [--update-results]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from results import update_row  # noqa: E402

from confluent_kafka import Message  # noqa: E402

from fraud_platform.contract import max_amount  # noqa: E402
from fraud_platform.settings import Settings  # noqa: E402
from fraud_platform_tests.streaming.workload import workload  # noqa: E402
from streaming.common.native_build import fraud_fastpath, unusable_reason  # noqa: E402
from streaming.validator.fastpath import new_dedup_window  # noqa: E402
from streaming.validator.batch_decision import decide_batch  # noqa: E402
from streaming.validator.routing import MessageRouter  # noqa: E402


PARTITIONS = 6


def batches(payloads: list[bytes], size: int) -> list[list[Message]]:
    messages = [Message(topic="raw", partition=i % PARTITIONS, offset=i // PARTITIONS, value=payload)
                for i, payload in enumerate(payloads)]
    return [messages[i:i + size] for i in range(0, len(messages), size)]


def per_message_us(batched: list[list[Message]], native: bool) -> float:
    settings = Settings.from_env().validator
    router = MessageRouter(max_amount(), native=native)
    windows = {p: new_dedup_window(settings.dedup_window, native) for p in range(PARTITIONS)}
    started = time.process_time()
    for records in batched:
        decide_batch(router, records, datetime.now(UTC), windows)
    return (time.process_time() - started) / sum(map(len, batched)) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--update-results", action="store_true")
    args = parser.parse_args()
    if (reason := unusable_reason(fraud_fastpath)) is not None:
        sys.exit(f"native/fraud_fastpath {reason}: run `make install` (needs cargo)")
    payloads = [message.value for message in workload(args.messages, seed=42)]
    batched = batches(payloads, Settings.from_env().validator.batch_size)
    python, native = [], []
    for r in range(args.rounds):
        python.append(per_message_us(batched, native=False))
        native.append(per_message_us(batched, native=True))
        print(f"  round {r + 1}: python {python[-1]:.2f} us/msg, native {native[-1]:.2f} us/msg", flush=True)
    p, n = statistics.median(python), statistics.median(native)
    print(f"decide_batch per message: native {n:.2f} us, python {p:.2f} us ({n / p:.2f})")
    if args.update_results:
        update_row("validator_routing", f"decide_batch (route + dedup windows), CPU per message (us, "
                   f"{args.messages:,} workload messages, median of {args.rounds} alternating rounds; anchor: the Python path)", f"{n:.2f}", f"{p:.2f}",
                   f"{n / p:.2f}", date.today().isoformat(), "python bench/validator_routing.py --update-results")


if __name__ == "__main__":
    main()
