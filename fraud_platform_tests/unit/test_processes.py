from __future__ import annotations

import sys
from pathlib import Path

import psutil

from fraud_platform.stack.processes import ProcessRecord, launch, stop, tail


def alive(proc: psutil.Process) -> bool:
    # An orphan may linger as a zombie until init reaps it: that is dead.
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_launch_records_and_stop_kills_the_whole_group(tmp_path: Path):
    # The child spawns a grandchild: stopping the record must stop both (own session).
    script = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); " \
             "print('ready', flush=True); time.sleep(60)"
    record = launch("sleeper", [sys.executable, "-c", script], log_path=tmp_path / "sleeper.log")
    record.save(tmp_path / "sleeper.json")
    loaded = ProcessRecord.load(tmp_path / "sleeper.json")
    assert loaded == record and loaded.is_running()
    proc = loaded.process()
    import time

    deadline = time.monotonic() + 10
    while not proc.children() and time.monotonic() < deadline:
        time.sleep(0.1)
    children = proc.children(recursive=True)
    assert children
    assert stop(loaded, timeout_s=5) is True
    assert not loaded.is_running()
    assert not any(alive(c) for c in children)
    assert stop(loaded, timeout_s=1) is False


def test_record_with_reused_pid_is_not_running(tmp_path: Path):
    record = launch("sleeper", [sys.executable, "-c", "import time; time.sleep(30)"], log_path=tmp_path / "x.log")
    try:
        impostor = ProcessRecord(record.name, record.pid, record.create_time - 100, record.argv, record.log_path)
        assert not impostor.is_running()
        assert stop(impostor, timeout_s=1) is False
        assert record.is_running()
    finally:
        stop(record, timeout_s=5)


def test_load_tolerates_missing_and_corrupt_records(tmp_path: Path):
    assert ProcessRecord.load(tmp_path / "absent.json") is None
    (tmp_path / "bad.json").write_text("{not json")
    assert ProcessRecord.load(tmp_path / "bad.json") is None


def test_tail_returns_last_lines(tmp_path: Path):
    log = tmp_path / "a.log"
    log.write_text("".join(f"line {i}\n" for i in range(500)))
    assert tail(log, 3) == ["line 497", "line 498", "line 499"]
    assert tail(tmp_path / "none.log", 3) == []
