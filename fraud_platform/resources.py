"""The one place that turns settings (environment) into Dagster resources.

Resource keys are the same in every profile; only their configuration differs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import dagster as dg

from dagster_dbt import DbtCliResource
from dagster_pyspark import PySparkResource

from fraud_platform.defs.lake.resources import LakeResource
from fraud_platform.defs.ml.resources import build_mlflow_resource
from fraud_platform.defs.warehouse.resources import build_warehouse_resource
from fraud_platform.lake.spark.session_config import spark_config
from fraud_platform.settings import KafkaSettings, Settings


class KafkaResource(dg.ConfigurableResource):
    """Connection settings for Kafka (local broker or Confluent Cloud over SASL_SSL)."""

    bootstrap_servers: str
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = "PLAIN"
    api_key: str = ""
    api_secret: str = ""

    def client_config(self) -> dict[str, str]:
        return KafkaSettings(
            bootstrap_servers=self.bootstrap_servers, security_protocol=self.security_protocol,
            sasl_mechanism=self.sasl_mechanism, api_key=self.api_key, api_secret=self.api_secret,
        ).client_config()

    def describe_topics(self, timeout_s: float = 10) -> dict[str, int]:
        """Topic name -> partition count, excluding internal topics."""
        from confluent_kafka.admin import AdminClient

        metadata = AdminClient(self.client_config()).list_topics(timeout=timeout_s)
        return {name: len(t.partitions) for name, t in metadata.topics.items() if not name.startswith("__")}


class ElasticsearchResource(dg.ConfigurableResource):
    url: str

    def client(self) -> Any:
        from elasticsearch import Elasticsearch

        return Elasticsearch(self.url, request_timeout=30)


def build_resources(settings: Settings) -> dict[str, Any]:
    k = settings.kafka
    return {
        "kafka": KafkaResource(
            bootstrap_servers=k.bootstrap, security_protocol=k.security_protocol, sasl_mechanism=k.sasl_mechanism,
            api_key=k.api_key,
            # Read at run time so the secret never appears in the Dagster UI.
            api_secret=dg.EnvVar("FRAUD_KAFKA_API_SECRET") if k.api_secret else "",
        ),
        "elasticsearch": ElasticsearchResource(url=settings.elasticsearch.url),
        "lake": _lake(settings),
        "pyspark": PySparkResource(spark_config=spark_config(settings)),
        "warehouse": build_warehouse_resource(
            settings.warehouse, secret_in_env="FRAUD_SNOWFLAKE_PASSWORD" in os.environ
        ),
        "dbt": _dbt(settings),
        "mlflow": build_mlflow_resource(settings),
    }


def _lake(settings: Settings) -> LakeResource:
    s3 = settings.s3
    return LakeResource(
        root=settings.lake_root, s3_endpoint_url=s3.endpoint_url, s3_access_key=s3.access_key,
        s3_secret_key=dg.EnvVar("FRAUD_S3_SECRET_KEY") if "FRAUD_S3_SECRET_KEY" in os.environ else s3.secret_key,
        s3_region=s3.region,
    )


def _dbt(settings: Settings) -> DbtCliResource:
    # Imported here: the project module builds the DbtProject (no dbt parsing happens at import).
    from fraud_platform.defs.dbt.project import fraud_dbt_project

    # The dbt installed beside this interpreter: a virtualenv's bin/ is often not on PATH.
    beside = Path(sys.executable).with_name("dbt")
    # The dbt target is the warehouse kind, so dbt and the STAGING loads use the same warehouse.
    return DbtCliResource(
        project_dir=fraud_dbt_project, target=settings.warehouse.kind,
        dbt_executable=str(beside) if beside.exists() else "dbt",
    )
