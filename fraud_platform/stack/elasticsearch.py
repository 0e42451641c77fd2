"""Elasticsearch 9 from the integ-test-zip on Maven Central, run as an unprivileged user."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import requests

from fraud_platform.stack.prerequisites import APT_HINT, require_executable, require_java_home
from fraud_platform.stack.provisioning import ensure_built, run_tool
from fraud_platform.stack.service import LaunchSpec, Port, Service


class Elasticsearch(Service):
    name = "elasticsearch"
    needs_service_user = True

    def ports(self) -> list[Port]:
        es = self.settings.elasticsearch
        return [Port(es.host, es.port, "FRAUD_ES_PORT"), Port(es.host, es.transport_port, "FRAUD_ES_TRANSPORT_PORT")]

    @property
    def version(self) -> str:
        return self.settings.elasticsearch.version

    @property
    def zip_path(self) -> Path:
        return self.ctx.cache_dir / "elasticsearch" / self.version / f"elasticsearch-{self.version}.zip"

    @property
    def home(self) -> Path:
        return self.ctx.service_dir(self.name) / f"elasticsearch-{self.version}"

    def check_prerequisites(self) -> None:
        require_java_home(self.settings.stack.es_java_home, 21, "FRAUD_ES_JAVA_HOME")
        if not self.zip_path.exists():
            require_executable("mvn", f"install Maven ({APT_HINT} maven) to fetch Elasticsearch")

    def provision(self) -> None:
        def build(tmp: Path) -> None:
            self.ctx.report(f"elasticsearch: fetching the {self.version} distribution with Maven")
            run_tool(
                ["mvn", "-B", "-q", "dependency:copy",
                 f"-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:{self.version}:zip",
                 f"-DoutputDirectory={tmp}"],
                what="Maven download of the Elasticsearch distribution",
                log_path=self.ctx.log_path("provision-elasticsearch"),
                env={"JAVA_HOME": self.settings.stack.java_home},
            )

        ensure_built(self.zip_path.parent, build)

    def config(self) -> str:
        es = self.settings.elasticsearch
        data = self.ctx.service_dir(self.name) / "data"
        logs = self.ctx.service_dir(self.name) / "logs"
        return "\n".join([
            "cluster.name: fraud-platform",
            "node.name: local",
            "discovery.type: single-node",
            # Loopback keeps the node in development mode: bootstrap checks only warn.
            f"network.host: {es.host}",
            f"http.port: {es.port}",
            f"transport.port: {es.transport_port}",
            f"path.data: {data}",
            f"path.logs: {logs}",
            # Explicitly off, or the launcher auto-configures TLS and a keystore the node then rejects.
            "xpack.security.enabled: false",
            "xpack.ml.enabled: false",
            "action.destructive_requires_name: true",
            # Disk watermarks as free space, not the default 85/90/95 % used: on a large shared
            # disk 90 % used still leaves tens of GB, yet the node stops allocating new indices
            # (red cluster, every bulk request times out). Seen on this project's own machine.
            "cluster.routing.allocation.disk.watermark.low: 2gb",
            "cluster.routing.allocation.disk.watermark.high: 1gb",
            "cluster.routing.allocation.disk.watermark.flood_stage: 512mb",
            "",
        ])

    def prepare(self) -> None:
        service_dir = self.ctx.service_dir(self.name)
        service_dir.mkdir(parents=True, exist_ok=True)
        service_dir.chmod(0o755)
        if not (self.home / "bin" / "elasticsearch").exists():
            self.ctx.report(f"elasticsearch: unpacking {self.version} into {service_dir}")
            staging = service_dir / ".unpack"
            shutil.rmtree(staging, ignore_errors=True)
            with zipfile.ZipFile(self.zip_path) as archive:
                archive.extractall(staging)
            for script in (staging / f"elasticsearch-{self.version}" / "bin").iterdir():
                script.chmod(0o755)
            (staging / f"elasticsearch-{self.version}").rename(self.home)
            staging.rmdir()
        (self.home / "config" / "elasticsearch.yml").write_text(self.config())
        for sub in ("data", "logs", "tmp"):
            (service_dir / sub).mkdir(exist_ok=True)
        self.ctx.chown_to_service_user(service_dir)

    def launch_spec(self) -> LaunchSpec:
        heap = self.settings.elasticsearch.heap
        return LaunchSpec(
            argv=[str(self.home / "bin" / "elasticsearch")],
            env={
                "ES_JAVA_HOME": self.settings.stack.es_java_home,
                "ES_JAVA_OPTS": f"-Xms{heap} -Xmx{heap}",
                "ES_TMPDIR": str(self.ctx.service_dir(self.name) / "tmp"),
            },
            cwd=self.home,
            as_service_user=True,
        )

    def is_healthy(self) -> bool:
        try:
            response = requests.get(f"{self.settings.elasticsearch.url}/_cluster/health", timeout=3)
            return response.ok and response.json().get("status") in {"green", "yellow"}
        except requests.RequestException:
            return False
