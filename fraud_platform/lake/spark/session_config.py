"""Spark configuration from settings: local[*] or a cluster, and s3a for S3 lakes."""

from __future__ import annotations

from fraud_platform.settings import Settings


def spark_uri(root: str) -> str:
    """Spark reads S3 through the s3a connector."""
    return "s3a://" + root.removeprefix("s3://") if root.startswith("s3://") else root


def spark_config(settings: Settings) -> dict[str, str]:
    spark = settings.spark
    config = {
        "spark.master": spark.master,
        "spark.app.name": "fraud-platform",
        "spark.driver.memory": spark.driver_memory,
        "spark.sql.shuffle.partitions": str(spark.shuffle_partitions),
        # Event days are UTC days: hour/weekday features and dt= partitions must not shift.
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.ui.enabled": "false",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.host": "127.0.0.1",
    }
    if settings.lake_root.startswith("s3://"):
        s3 = settings.s3
        config |= {
            # Resolved from Maven Central on first use; the version must match pyspark's Hadoop.
            "spark.jars.packages": f"org.apache.hadoop:hadoop-aws:{spark.hadoop_aws_version}",
            "spark.hadoop.fs.s3a.endpoint": s3.endpoint_url,
            "spark.hadoop.fs.s3a.access.key": s3.access_key,
            "spark.hadoop.fs.s3a.secret.key": s3.secret_key,
            "spark.hadoop.fs.s3a.path.style.access": "true",
            "spark.hadoop.fs.s3a.connection.ssl.enabled": str(s3.endpoint_url.startswith("https")).lower(),
            "spark.hadoop.fs.s3a.endpoint.region": s3.region,
        }
    return config
