"""The local S3 server: versitygw on a POSIX directory, built once with `go install`.

MinIO was the first choice, but the Go module proxy refuses its module here (it answers 403,
"This module version is not available", for its RELEASE tags), so the stack builds versitygw
(Apache-2.0, S3 API over a plain directory) instead. Any S3 endpoint works through settings.
"""

from __future__ import annotations

import os
from pathlib import Path

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from fraud_platform.settings import S3Settings
from fraud_platform.stack.prerequisites import APT_HINT, require_executable
from fraud_platform.stack.provisioning import ensure_built, run_tool
from fraud_platform.stack.service import LaunchSpec, Port, Service

MODULE = "github.com/versity/versitygw/cmd/versitygw"


def s3_client(s3: S3Settings, *, timeout_s: float = 10) -> BaseClient:
    return boto3.client(
        "s3",
        endpoint_url=s3.endpoint_url,
        aws_access_key_id=s3.access_key,
        aws_secret_access_key=s3.secret_key,
        region_name=s3.region,
        config=Config(
            s3={"addressing_style": "path"},
            connect_timeout=timeout_s,
            read_timeout=timeout_s,
            retries={"max_attempts": 2},
        ),
    )


def ensure_bucket(client: BaseClient, bucket: str) -> bool:
    """Create bucket if absent; True if it was created."""
    try:
        client.head_bucket(Bucket=bucket)
        return False
    except ClientError:
        client.create_bucket(Bucket=bucket)
        return True


class S3Server(Service):
    name = "s3"

    def ports(self) -> list[Port]:
        return [Port(self.settings.s3.host, self.settings.s3.port, "FRAUD_S3_PORT")]

    @property
    def binary(self) -> Path:
        return self.ctx.cache_dir / "versitygw" / self.settings.s3.versitygw_version / "versitygw"

    def check_prerequisites(self) -> None:
        if not self.binary.exists():
            require_executable("go", f"install Go 1.24+ ({APT_HINT} golang) to build the local S3 server")

    def provision(self) -> None:
        version = self.settings.s3.versitygw_version

        def build(tmp: Path) -> None:
            self.ctx.report(f"s3: building versitygw {version} with go install (a minute or two, once)")
            gopath = self.ctx.cache_dir / "go"
            run_tool(
                ["go", "install", f"{MODULE}@{version}"],
                what="go install of versitygw",
                env={"GOBIN": str(tmp), "GOPATH": str(gopath), "GOFLAGS": "-modcacherw",
                     "GOCACHE": str(gopath / "build-cache"), "CGO_ENABLED": "0", "HOME": os.environ.get("HOME", "/")},
                log_path=self.ctx.log_path("provision-s3"),
            )

        ensure_built(self.binary.parent, build)

    @property
    def data_dir(self) -> Path:
        return self.ctx.service_dir(self.name) / "data"

    def prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)

    def launch_spec(self) -> LaunchSpec:
        s3 = self.settings.s3
        return LaunchSpec(
            argv=[str(self.binary), "--port", f"{s3.host}:{s3.port}", "--region", s3.region, "--quiet",
                  "posix", str(self.data_dir)],
            env={"ROOT_ACCESS_KEY": s3.access_key, "ROOT_SECRET_KEY": s3.secret_key},
        )

    def is_healthy(self) -> bool:
        try:
            s3_client(self.settings.s3, timeout_s=2).list_buckets()
            return True
        except (BotoCoreError, ClientError):
            return False

    def after_healthy(self) -> None:
        client = s3_client(self.settings.s3)
        for bucket in (self.settings.s3.lake_bucket, self.settings.s3.mlflow_bucket):
            if ensure_bucket(client, bucket):
                self.ctx.report(f"s3: created bucket {bucket}")
