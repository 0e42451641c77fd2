"""Dagster code server, webserver and daemon sharing a DAGSTER_HOME whose instance stores runs in
PostgreSQL (services) or SQLite (embedded).

The webserver and daemon load the code location from one long-lived code server. Left to load it
themselves (the repository's workspace.yaml), the daemon starts a fresh code server every 60 s
(Dagster's workspace reload), and each start imports the whole code location: about a core for
half a minute, every minute, on a 2-core machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

import requests

from fraud_platform.settings import PostgresSettings
from fraud_platform.stack.service import LaunchSpec, Port, Service

REPO_ROOT = Path(__file__).resolve().parents[2]
INSTANCE_YAML = REPO_ROOT / "dagster.yaml"
CODE_LOCATION_MODULE = "fraud_platform.definitions"
LOCATION_NAME = "fraud_platform"  # as in the repository's workspace.yaml

DAEMON_HEALTH_QUERY = "{ instance { daemonHealth { allDaemonStatuses { daemonType required healthy } } } }"


# Embedded: the instance keeps runs and events in local SQLite files under DAGSTER_HOME, and
# runs one run at a time because the DuckDB warehouse file admits a single writer process.
EMBEDDED_INSTANCE_YAML = """\
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 1
telemetry:
  enabled: false
"""


def dagster_home(ctx, profile: str) -> Path:
    return ctx.service_dir("dagster") / f"home-{profile}"


class _DagsterProcess(Service):
    @property
    def home(self) -> Path:
        return dagster_home(self.ctx, self.settings.profile)

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        # Services: the repository's dagster.yaml (PostgreSQL storage from the environment).
        instance = INSTANCE_YAML.read_text() if self.settings.profile == "services" else EMBEDDED_INSTANCE_YAML
        (self.home / "dagster.yaml").write_text(instance)
        (self.home / "workspace.yaml").write_text(code_server_workspace(self.settings.dagster))

    @property
    def workspace(self) -> Path:
        return self.home / "workspace.yaml"

    def env(self) -> dict[str, str]:
        return {"DAGSTER_HOME": str(self.home), "FRAUD_PROFILE": self.settings.profile,
                **postgres_storage_env(self.settings.postgres)}

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.dagster.host}:{self.settings.dagster.port}"


def code_server_workspace(d) -> str:
    """A workspace naming the stack's code server (`d`: DagsterSettings)."""
    return (f"load_from:\n  - grpc_server:\n      host: {d.host}\n      port: {d.code_server_port}\n"
            f"      location_name: {LOCATION_NAME}\n")


def postgres_storage_env(pg: PostgresSettings, database: str | None = None) -> dict[str, str]:
    """The variables the repository's dagster.yaml reads its PostgreSQL storage from."""
    return {
        "FRAUD_POSTGRES_HOST": pg.host,
        "FRAUD_POSTGRES_PORT": str(pg.port),
        "FRAUD_POSTGRES_USER": pg.user,
        "FRAUD_POSTGRES_PASSWORD": pg.password,
        "FRAUD_POSTGRES_DAGSTER_DB": database or pg.dagster_db,
    }


class DagsterCodeServer(_DagsterProcess):
    name = "dagster-code-server"

    def ports(self) -> list[Port]:
        return [Port(self.settings.dagster.host, self.settings.dagster.code_server_port,
                     "FRAUD_DAGSTER_CODE_SERVER_PORT")]

    def launch_spec(self) -> LaunchSpec:
        d = self.settings.dagster
        return LaunchSpec(
            argv=[str(Path(sys.executable).parent / "dagster"), "code-server", "start", "-m", CODE_LOCATION_MODULE,
                  "--location-name", LOCATION_NAME, "--working-directory", str(REPO_ROOT),
                  "-h", d.host, "-p", str(d.code_server_port)],
            env=self.env(),
            cwd=REPO_ROOT,
        )

    def is_healthy(self) -> bool:
        """The code location has loaded (the server answers before that, with an error)."""
        # Heavy imports: only once the stack starts Dagster.
        from dagster._grpc.client import DagsterGrpcClient
        from dagster._grpc.types import ListRepositoriesResponse
        from dagster._serdes import deserialize_value

        d = self.settings.dagster
        try:
            answer = DagsterGrpcClient(port=d.code_server_port, host=d.host).list_repositories()
        except Exception:  # unreachable or still starting
            return False
        return isinstance(deserialize_value(answer), ListRepositoriesResponse)  # else: a load error


class DagsterWebserver(_DagsterProcess):
    name = "dagster-webserver"

    def ports(self) -> list[Port]:
        return [Port(self.settings.dagster.host, self.settings.dagster.port, "FRAUD_DAGSTER_PORT")]

    def launch_spec(self) -> LaunchSpec:
        d = self.settings.dagster
        return LaunchSpec(
            argv=[str(Path(sys.executable).parent / "dagster-webserver"), "-h", d.host, "-p", str(d.port),
                  "-w", str(self.workspace)],
            env=self.env(),
            cwd=REPO_ROOT,
        )

    def is_healthy(self) -> bool:
        try:
            return requests.get(f"{self.base_url}/server_info", timeout=3).ok
        except requests.RequestException:
            return False


class DagsterDaemon(_DagsterProcess):
    name = "dagster-daemon"

    def ports(self) -> list[Port]:
        return []

    @property
    def address(self) -> str:
        return "daemon heartbeats" + (f" in postgres db {self.settings.postgres.dagster_db}"
                                      if self.settings.profile == "services" else f" in {self.home}")

    def launch_spec(self) -> LaunchSpec:
        return LaunchSpec(
            argv=[str(Path(sys.executable).parent / "dagster-daemon"), "run", "-w", str(self.workspace)],
            env=self.env(),
            cwd=REPO_ROOT,
        )

    def is_healthy(self) -> bool:
        """Every required daemon has a fresh heartbeat, as the webserver reports it."""
        try:
            response = requests.post(f"{self.base_url}/graphql", json={"query": DAEMON_HEALTH_QUERY}, timeout=5)
            statuses = response.json()["data"]["instance"]["daemonHealth"]["allDaemonStatuses"]
        except (requests.RequestException, KeyError, TypeError, ValueError):
            return False
        required = [s for s in statuses if s["required"]]
        return bool(required) and all(s["healthy"] for s in required)
