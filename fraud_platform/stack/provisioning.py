"""Fetch and build service software once into the user-level cache, safely and atomically.

Everything lands in a temporary directory that is renamed into place only when complete,
under a file lock, so an interrupted or concurrent `stack up` never leaves a half-built cache.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from fraud_platform.stack.errors import StackError


@contextlib.contextmanager
def cache_lock(cache_dir: Path) -> Iterator[None]:
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_built(target: Path, build: Callable[[Path], None]) -> Path:
    """Return target, first running build(tmp_dir) and renaming tmp_dir to target if it is absent."""
    if target.exists():
        return target
    with cache_lock(target.parent):
        if target.exists():
            return target
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        try:
            build(tmp)
            tmp.rename(target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def run_tool(argv: list[str], *, what: str, cwd: Path | None = None, env: dict[str, str] | None = None,
             log_path: Path) -> None:
    """Run a provisioning tool (mvn, go), keeping its output in log_path; fail with the log's tail."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        result = subprocess.run(argv, cwd=cwd, env={**os.environ, **(env or {})}, stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        last = log_path.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise StackError(f"{what} failed (exit {result.returncode}): {last[0].strip()} — full log: {log_path}")


def maven_pom(artifacts: list[tuple[str, str, str]]) -> str:
    deps = "\n".join(
        f"    <dependency><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version></dependency>"
        for g, a, v in artifacts
    )
    return f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>fraud-platform.stack</groupId><artifactId>jars</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
{deps}
  </dependencies>
</project>
"""
