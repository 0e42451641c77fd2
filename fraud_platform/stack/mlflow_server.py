"""MLflow tracking server: PostgreSQL backend store, artifacts proxied to the S3 server."""

from __future__ import annotations

import sys

import requests

from fraud_platform.stack.service import LaunchSpec, Port, Service


class MlflowServer(Service):
    name = "mlflow"

    def ports(self) -> list[Port]:
        return [Port(self.settings.mlflow.host, self.settings.mlflow.port, "FRAUD_MLFLOW_PORT")]

    def prepare(self) -> None:
        self.ctx.service_dir(self.name).mkdir(parents=True, exist_ok=True)

    def launch_spec(self) -> LaunchSpec:
        m, s3 = self.settings.mlflow, self.settings.s3
        backend = self.settings.postgres.url(self.settings.postgres.mlflow_db, driver="postgresql+psycopg2")
        return LaunchSpec(
            argv=[sys.executable, "-m", "mlflow", "server",
                  "--backend-store-uri", backend,
                  # Proxied artifacts: clients use mlflow-artifacts:/ URIs and need no S3 credentials.
                  "--artifacts-destination", f"s3://{s3.mlflow_bucket}",
                  "--serve-artifacts",
                  "--host", m.host, "--port", str(m.port), "--workers", "1"],
            env={
                "MLFLOW_S3_ENDPOINT_URL": s3.endpoint_url,
                "AWS_ACCESS_KEY_ID": s3.access_key,
                "AWS_SECRET_ACCESS_KEY": s3.secret_key,
                "AWS_DEFAULT_REGION": s3.region,
            },
            cwd=self.ctx.service_dir(self.name),
        )

    def is_healthy(self) -> bool:
        try:
            return requests.get(f"http://{self.settings.mlflow.host}:{self.settings.mlflow.port}/health",
                                timeout=3).ok
        except requests.RequestException:
            return False
