"""The local-stack lifecycle: `up` is idempotent, `down` stops only what `up` started."""

from __future__ import annotations

import pwd
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass

from fraud_platform.stack import processes
from fraud_platform.stack.dagster_services import DagsterCodeServer, DagsterDaemon, DagsterWebserver
from fraud_platform.stack.elasticsearch import Elasticsearch
from fraud_platform.stack.errors import PortInUseError, PrerequisiteError, ServiceFailedError, StackError
from fraud_platform.stack.kafka import Kafka
from fraud_platform.stack.mlflow_server import MlflowServer
from fraud_platform.stack.postgres import Postgres
from fraud_platform.stack.processes import ProcessRecord
from fraud_platform.stack.s3_server import S3Server
from fraud_platform.stack.service import Service, StackContext

# Start order; `down` goes in reverse. MLflow needs Postgres and S3; the webserver and daemon load
# the code location from the code server; the daemon's health is read through the webserver.
ALL_SERVICES: tuple[type[Service], ...] = (
    Kafka, Elasticsearch, S3Server, Postgres, MlflowServer, DagsterCodeServer, DagsterWebserver, DagsterDaemon,
)
PROFILE_SERVICES: dict[str, tuple[str, ...]] = {
    "embedded": ("kafka", "elasticsearch"),
    "services": tuple(cls.name for cls in ALL_SERVICES),
}


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    state: str  # healthy | unhealthy | stopped
    pid: int | None
    address: str
    log_path: str


class StackManager:
    def __init__(self, ctx: StackContext) -> None:
        self.ctx = ctx
        self.services = {cls.name: cls(ctx) for cls in ALL_SERVICES}

    def select(self, profile: str, only: Sequence[str] = ()) -> list[Service]:
        if profile not in PROFILE_SERVICES:
            raise StackError(f"unknown profile {profile!r}; use one of: {', '.join(PROFILE_SERVICES)}")
        unknown = [name for name in only if name not in self.services]
        if unknown:
            raise StackError(f"unknown service {unknown[0]!r}; services are: {', '.join(self.services)}")
        names = only or PROFILE_SERVICES[profile]
        return [svc for name, svc in self.services.items() if name in names]

    # -- up ---------------------------------------------------------------------------------
    def up(self, profile: str, only: Sequence[str] = ()) -> list[ServiceStatus]:
        selected = self.select(profile, only)
        self.ctx.run_dir.mkdir(parents=True, exist_ok=True)
        self.ctx.run_dir.chmod(0o755)
        if any(svc.needs_service_user for svc in selected):
            self._ensure_service_user()
        for svc in selected:
            self._up_one(svc)
        return [self.status_of(svc) for svc in selected]

    def _up_one(self, svc: Service) -> None:
        record = ProcessRecord.load(self.ctx.record_path(svc.name))
        if record is not None and record.is_running():
            self._wait_healthy(svc, record, verb="is running")
            svc.after_healthy()
            return
        self.ctx.record_path(svc.name).unlink(missing_ok=True)
        for port in svc.ports():
            if processes.port_in_use(port.host, port.port):
                raise PortInUseError(
                    f"{svc.name}: port {port.port} on {port.host} is in use by {processes.port_owner(port.port)}; "
                    f"stop that process or set {port.env} to a free port"
                )
        svc.check_prerequisites()
        svc.provision()
        svc.prepare()
        spec = svc.launch_spec()
        user = self.ctx.service_user if spec.as_service_user else None
        record = processes.launch(
            svc.name, spec.argv, log_path=self.ctx.log_path(svc.name), env=self._env(spec.env),
            cwd=spec.cwd, user=user,
        )
        record.save(self.ctx.record_path(svc.name))
        self._wait_healthy(svc, record, verb="started")
        svc.after_healthy()

    @staticmethod
    def _env(extra: dict[str, str]) -> dict[str, str]:
        import os

        return {**os.environ, **extra}

    def _wait_healthy(self, svc: Service, record: ProcessRecord, verb: str) -> None:
        started = time.monotonic()
        deadline = started + self.ctx.settings.stack.start_timeout_s
        while time.monotonic() < deadline:
            if svc.is_healthy():
                took = time.monotonic() - started
                self.ctx.report(f"{svc.name}: {verb}, healthy at {svc.address} (pid {record.pid}, {took:.1f} s)")
                return
            if not record.is_running():
                last = processes.tail(self.ctx.log_path(svc.name), 1)
                raise ServiceFailedError(
                    f"{svc.name} exited during start-up; last log line: {last[0].strip() if last else '(none)'} "
                    f"— full log: {self.ctx.log_path(svc.name)}"
                )
            time.sleep(0.5)
        raise ServiceFailedError(
            f"{svc.name} did not become healthy within {self.ctx.settings.stack.start_timeout_s} s; "
            f"see {self.ctx.log_path(svc.name)} or raise FRAUD_STACK_START_TIMEOUT"
        )

    def _ensure_service_user(self) -> None:
        user = self.ctx.service_user
        if user is None:
            return
        try:
            pwd.getpwnam(user)
            return
        except KeyError:
            pass
        useradd = shutil.which("useradd")
        if useradd is None:
            raise PrerequisiteError(
                f"user {user!r} is missing and useradd is unavailable; create an unprivileged user and "
                "set FRAUD_STACK_SERVICE_USER to it"
            )
        subprocess.run([useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user], check=True)
        self.ctx.report(f"stack: created unprivileged user {user} for Elasticsearch and PostgreSQL")

    # -- down -------------------------------------------------------------------------------
    def down(self, profile: str | None = None, only: Sequence[str] = ()) -> list[str]:
        """Stop recorded services (all of them unless a profile or names narrow it), in reverse order."""
        selected = self.select(profile or "services", only)
        stopped = []
        for svc in reversed(selected):
            path = self.ctx.record_path(svc.name)
            record = ProcessRecord.load(path)
            if record is None:
                continue
            if processes.stop(record, self.ctx.settings.stack.stop_timeout_s):
                self.ctx.report(f"{svc.name}: stopped (pid {record.pid})")
                stopped.append(svc.name)
            path.unlink(missing_ok=True)
        return stopped

    # -- status -----------------------------------------------------------------------------
    def status_of(self, svc: Service) -> ServiceStatus:
        record = ProcessRecord.load(self.ctx.record_path(svc.name))
        running = record is not None and record.is_running()
        state = "stopped" if not running else ("healthy" if svc.is_healthy() else "unhealthy")
        return ServiceStatus(svc.name, state, record.pid if running else None, svc.address,
                             str(self.ctx.log_path(svc.name)))

    def status(self, profile: str, only: Sequence[str] = ()) -> list[ServiceStatus]:
        return [self.status_of(svc) for svc in self.select(profile, only)]
