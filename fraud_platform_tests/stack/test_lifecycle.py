"""`stack up` is idempotent and `down` stops exactly what `up` started."""

from __future__ import annotations

import json

import psutil
import pytest

from fraud_platform.stack.processes import port_in_use

SERVICES = ("--profile", "services", "--service", "s3", "--service", "postgres")


def recorded_pids(stack) -> dict[str, int]:
    return {p.stem: json.loads(p.read_text())["pid"] for p in (stack.run_dir / "pids").glob("*.json")}


def ports(stack) -> list[int]:
    return [int(stack.env["FRAUD_S3_PORT"]), int(stack.env["FRAUD_POSTGRES_PORT"])]


@pytest.mark.services
def test_up_twice_down_up_again(isolated_stack):
    first = isolated_stack.cli("stack", "up", *SERVICES)
    assert first.returncode == 0, first.stderr
    pids = recorded_pids(isolated_stack)
    assert set(pids) == {"s3", "postgres"}
    assert isolated_stack.cli("stack", "status", *SERVICES).returncode == 0

    again = isolated_stack.cli("stack", "up", *SERVICES)
    assert again.returncode == 0, again.stderr
    assert recorded_pids(isolated_stack) == pids, "a second up must not restart running services"
    assert again.stderr.count("is running") == 2

    down = isolated_stack.cli("stack", "down", "--profile", "services")
    assert down.returncode == 0, down.stderr
    assert not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
                   for pid in pids.values())
    assert not any(port_in_use("127.0.0.1", port) for port in ports(isolated_stack))
    status = isolated_stack.cli("stack", "status", *SERVICES)
    assert status.returncode == 1 and status.stdout.count("stopped") == 2

    third = isolated_stack.cli("stack", "up", *SERVICES)
    assert third.returncode == 0, third.stderr
    new_pids = recorded_pids(isolated_stack)
    assert set(new_pids) == {"s3", "postgres"} and new_pids != pids
    # Data survives a restart: the cluster is not re-initialised and the buckets are still there.
    assert "initialising" not in third.stderr and "created bucket" not in third.stderr


@pytest.mark.services
def test_down_leaves_processes_it_did_not_start_alone(isolated_stack):
    import subprocess
    import sys

    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        assert isolated_stack.cli("stack", "up", *SERVICES).returncode == 0
        # A stale record whose pid now belongs to someone else must not be signalled.
        record = isolated_stack.run_dir / "pids" / "s3.json"
        data = json.loads(record.read_text())
        data["pid"] = bystander.pid
        record.write_text(json.dumps(data))
        isolated_stack.cli("stack", "down", "--profile", "services")
        assert bystander.poll() is None, "down killed a process it had not started"
    finally:
        bystander.kill()
        bystander.wait()
        # The real s3 process lost its record above; stop it by port owner to clean up.
        for conn in psutil.net_connections(kind="tcp"):
            if conn.laddr and conn.laddr.port == int(isolated_stack.env["FRAUD_S3_PORT"]) and conn.pid:
                psutil.Process(conn.pid).kill()
