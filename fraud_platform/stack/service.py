"""The shape every local service shares: provision, prepare, launch, check health."""

from __future__ import annotations

import os
import pwd
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fraud_platform.settings import Settings


@dataclass(frozen=True)
class Port:
    host: str
    port: int
    env: str  # the setting that moves it, named in port-in-use errors


@dataclass(frozen=True)
class LaunchSpec:
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    as_service_user: bool = False


@dataclass
class StackContext:
    settings: Settings
    report: Callable[[str], None] = print

    @property
    def cache_dir(self) -> Path:
        return Path(self.settings.stack.cache_dir).expanduser()

    @property
    def run_dir(self) -> Path:
        return Path(self.settings.stack.run_dir).expanduser()

    def service_dir(self, name: str) -> Path:
        return self.run_dir / name

    def log_path(self, name: str) -> Path:
        return self.run_dir / "logs" / f"{name}.log"

    def record_path(self, name: str) -> Path:
        return self.run_dir / "pids" / f"{name}.json"

    @property
    def runs_as_root(self) -> bool:
        return os.geteuid() == 0

    @property
    def service_user(self) -> str | None:
        """The user that runs services which refuse root; None means the current user."""
        return self.settings.stack.service_user if self.runs_as_root else None

    def chown_to_service_user(self, path: Path) -> None:
        if self.service_user is None:
            return
        entry = pwd.getpwnam(self.service_user)
        for root, dirs, files in os.walk(path):
            os.chown(root, entry.pw_uid, entry.pw_gid)
            for name in dirs + files:
                os.lchown(os.path.join(root, name), entry.pw_uid, entry.pw_gid)


class Service(ABC):
    """One local service. Subclasses stay small: the manager owns the lifecycle."""

    name: str
    needs_service_user = False

    def __init__(self, ctx: StackContext) -> None:
        self.ctx = ctx
        self.settings = ctx.settings

    @abstractmethod
    def ports(self) -> list[Port]:
        """Ports the service binds; all must be free before it starts."""

    @property
    def address(self) -> str:
        first = self.ports()[0]
        return f"{first.host}:{first.port}"

    def check_prerequisites(self) -> None:
        """Raise PrerequisiteError naming what is missing and how to install it."""

    def provision(self) -> None:
        """Download or build the software into the cache (idempotent)."""

    def prepare(self) -> None:
        """Create this service's data directory and configuration in the run dir (idempotent)."""

    @abstractmethod
    def launch_spec(self) -> LaunchSpec: ...

    @abstractmethod
    def is_healthy(self) -> bool:
        """A cheap probe that the service answers real requests."""

    def after_healthy(self) -> None:
        """Create topics, buckets or databases the platform expects (idempotent)."""
