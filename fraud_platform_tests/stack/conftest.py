"""An isolated second stack (own run dir, own ports) so lifecycle tests never touch the main one."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "fraud_platform.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class IsolatedStack:
    env: dict[str, str]
    run_dir: Path

    def cli(self, *args: str, extra_env: dict[str, str] | None = None, timeout: float = 600):
        return subprocess.run([*CLI, *args], env={**self.env, **(extra_env or {})}, capture_output=True,
                              text=True, timeout=timeout)


@pytest.fixture
def isolated_stack():
    # Under /var/tmp, not pytest's 0700 tmp dir: PostgreSQL runs as the unprivileged service user.
    run_dir = Path(tempfile.mkdtemp(prefix="fraud-stack-test-", dir="/var/tmp"))
    run_dir.chmod(0o755)
    env = {
        **os.environ,
        "FRAUD_STACK_RUN_DIR": str(run_dir),
        "FRAUD_S3_PORT": str(free_port()),
        "FRAUD_POSTGRES_PORT": str(free_port()),
        "FRAUD_STACK_START_TIMEOUT": "120",
    }
    stack = IsolatedStack(env, run_dir)
    yield stack
    stack.cli("stack", "down", "--profile", "services")
    shutil.rmtree(run_dir, ignore_errors=True)
