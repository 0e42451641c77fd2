"""Start services as detached processes and stop exactly the ones we started.

A launch is recorded as JSON (pid plus the kernel's start time), so `down` never signals a
process that merely reused a recorded pid.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil


CREATE_TIME_TOLERANCE_S = 0.05


@dataclass(frozen=True)
class ProcessRecord:
    name: str
    pid: int
    create_time: float
    argv: list[str]
    log_path: str

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> ProcessRecord | None:
        try:
            return cls(**json.loads(path.read_text()))
        except (FileNotFoundError, json.JSONDecodeError, TypeError):
            return None

    def process(self) -> psutil.Process | None:
        """The live process this record describes, or None if it has gone."""
        try:
            proc = psutil.Process(self.pid)
            # The same process always reports the same start time (clock ticks since boot, 10 ms);
            # a looser match took a process started within a second of ours for it (a reused pid).
            if abs(proc.create_time() - self.create_time) > CREATE_TIME_TOLERANCE_S or \
                    proc.status() == psutil.STATUS_ZOMBIE:
                return None
            return proc
        except psutil.Error:
            return None

    def is_running(self) -> bool:
        return self.process() is not None


def launch(
    name: str,
    argv: Sequence[str],
    *,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    user: str | None = None,
) -> ProcessRecord:
    """Start argv in its own session (so stopping it stops its children), output to log_path."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} starting {name}: {' '.join(argv)}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            start_new_session=True,
            user=user,
            group=_primary_group(user),
            extra_groups=[] if user else None,
        )
    create_time = psutil.Process(proc.pid).create_time()
    return ProcessRecord(name, proc.pid, create_time, list(argv), str(log_path))


def _primary_group(user: str | None) -> int | None:
    if user is None:
        return None
    import pwd

    return pwd.getpwnam(user).pw_gid


def stop(record: ProcessRecord, timeout_s: float) -> bool:
    """SIGTERM the record's process group, SIGKILL it after timeout_s. True if it was running."""
    proc = record.process()
    if proc is None:
        return False
    # Every member of the session's process group, so that children outlive nobody.
    members = [proc, *_group_members(record.pid, exclude=proc.pid)]
    _signal_group(record.pid, signal.SIGTERM)
    _, alive = psutil.wait_procs(members, timeout=timeout_s)
    if alive:
        _signal_group(record.pid, signal.SIGKILL)
        for leftover in alive:
            with contextlib.suppress(psutil.Error):
                leftover.kill()
        psutil.wait_procs(alive, timeout=10)
    return True


def _group_members(pgid: int, exclude: int) -> list[psutil.Process]:
    members = []
    for candidate in psutil.process_iter():
        with contextlib.suppress(psutil.Error, ProcessLookupError):
            if candidate.pid != exclude and os.getpgid(candidate.pid) == pgid:
                members.append(candidate)
    return members


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def port_owner(port: int) -> str:
    """A short description of who listens on port, for error messages."""
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN and conn.pid:
                proc = psutil.Process(conn.pid)
                return f"pid {conn.pid} ({proc.name()})"
    except psutil.Error:
        pass
    return "another process"


def tail(path: Path, lines: int) -> list[str]:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 64 * 1024 * max(1, lines // 100)))
            return f.read().decode(errors="replace").splitlines()[-lines:]
    except FileNotFoundError:
        return []
