"""Time to healthy for `fraud-platform stack up --profile services`, cold cache vs warm cache.

Runs a throw-away stack on free ports (own cache, Maven repository and run directories), so it
can run beside a developer's stack. Cold = empty stack cache and empty Maven repository: jars,
the Elasticsearch distribution and versitygw are fetched and built. Warm = the same cache, a
fresh run directory. The warm run's anchor is the cold run, measured in the same invocation.

    .venv/bin/python bench/stack_startup.py [--update-results]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from results import update_row

PORT_SETTINGS = [
    "FRAUD_KAFKA_PORT", "FRAUD_KAFKA_CONTROLLER_PORT", "FRAUD_ES_PORT", "FRAUD_ES_TRANSPORT_PORT",
    "FRAUD_S3_PORT", "FRAUD_POSTGRES_PORT", "FRAUD_MLFLOW_PORT", "FRAUD_DAGSTER_PORT",
]


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def run_stack(env: dict[str, str], args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fraud_platform.cli", "stack", *args], env=env,
                          capture_output=True, text=True)


def timed_up(env: dict[str, str], label: str) -> float:
    started = time.monotonic()
    result = run_stack(env, ["up", "--profile", "services"])
    took = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"{label}: stack up failed: {result.stderr.strip().splitlines()[-1]}")
    for line in result.stderr.splitlines():
        if re.search(r"healthy at|building|fetching|resolving", line):
            print(f"  {label}: {line}")
    run_stack(env, ["down"])
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update-results", action="store_true", help="Write the rows into bench/RESULTS.md")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="fraud-bench-", dir="/var/tmp"))
    root.chmod(0o755)
    env = {**os.environ, **dict(zip(PORT_SETTINGS, map(str, free_ports(len(PORT_SETTINGS))))),
           "FRAUD_STACK_CACHE_DIR": str(root / "cache"),
           "MAVEN_OPTS": f"-Dmaven.repo.local={root / 'm2'}"}
    try:
        print("cold: empty cache and Maven repository")
        cold = timed_up({**env, "FRAUD_STACK_RUN_DIR": str(root / "run-cold")}, "cold")
        print("warm: cache present, fresh run directory")
        warm = timed_up({**env, "FRAUD_STACK_RUN_DIR": str(root / "run-warm")}, "warm")
    finally:
        for run_dir in ("run-cold", "run-warm"):
            run_stack({**env, "FRAUD_STACK_RUN_DIR": str(root / run_dir)}, ["down"])
        shutil.rmtree(root, ignore_errors=True)
    print(f"cold {cold:.1f} s, warm {warm:.1f} s ({cold / warm:.1f}x faster warm)")
    if args.update_results:
        today = date.today().isoformat()
        command = "python bench/stack_startup.py --update-results"
        update_row("stack_startup", "cold cache: services profile healthy (s)", f"{cold:.1f}", "-", "-", today,
                   command)
        update_row("stack_startup", "warm cache: services profile healthy (s)", f"{warm:.1f}", f"{cold:.1f}",
                   f"{warm / cold:.2f}", today, command)


if __name__ == "__main__":
    main()
