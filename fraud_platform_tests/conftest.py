"""Session fixtures: the local stack comes up once for the whole run and goes down at the end.

Only the services this session started are stopped, so a developer's running stack survives
(`FRAUD_TEST_KEEP_STACK=1` keeps everything running for a faster next run).
"""

from __future__ import annotations

import os

import pytest

from fraud_platform.settings import Settings
from fraud_platform.stack.manager import StackManager
from fraud_platform.stack.service import StackContext


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_env({**os.environ, "FRAUD_PROFILE": "services"})


@pytest.fixture(scope="session")
def services_stack(settings: Settings):
    manager = StackManager(StackContext(settings, report=lambda line: print(f"[stack] {line}", flush=True)))
    before = {s.name for s in manager.status("services") if s.state != "stopped"}
    manager.up("services")
    yield manager
    if os.environ.get("FRAUD_TEST_KEEP_STACK") != "1":
        started_here = [s.name for s in manager.status("services") if s.name not in before]
        if started_here:
            manager.down("services", started_here)
