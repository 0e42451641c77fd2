"""The lake stages on the services profile: raw files in the S3 server, Spark over s3a.

Runs in a fresh interpreter: Spark loads hadoop-aws only when its JVM starts, and other tests
in this process may already have started a local one.
"""

from __future__ import annotations

import gzip
import io
import json
import multiprocessing
import uuid
from concurrent.futures import ProcessPoolExecutor

import pandas as pd
import pytest

from fraud_platform.settings import Settings
from fraud_platform.stack.s3_server import s3_client
from fraud_platform_tests.lake.raw_files import record

pytestmark = pytest.mark.services
DAY = "2024-05-10"


def materialize_on_s3(root: str) -> dict:
    import dagster as dg
    from dagster_pyspark import PySparkResource

    from fraud_platform.defs.lake.assets import processed_transactions, raw_transactions, sandbox_features
    from fraud_platform.defs.lake.resources import LakeResource
    from fraud_platform.lake.spark.session_config import spark_config

    settings = Settings.from_env({"FRAUD_PROFILE": "services", "FRAUD_LAKE_ROOT": root,
                                  "FRAUD_SPARK_MASTER": "local[2]"})
    s3 = settings.s3
    resources = {
        "lake": LakeResource(root=root, s3_endpoint_url=s3.endpoint_url, s3_access_key=s3.access_key,
                             s3_secret_key=s3.secret_key, s3_region=s3.region),
        "pyspark": PySparkResource(spark_config=spark_config(settings)),
    }
    result = dg.materialize([raw_transactions, processed_transactions, sandbox_features], partition_key=DAY,
                            resources=resources)
    return {node: {k: v.value for k, v in result.asset_materializations_for_node(node)[0].metadata.items()}
            for node in ("raw_transactions", "processed_transactions", "sandbox_features")}


def test_raw_to_sandbox_over_s3a(settings):
    client = s3_client(settings.s3)
    bucket, prefix = settings.s3.lake_bucket, f"test-{uuid.uuid4().hex[:8]}"
    records = [record(DAY, 3600 * h, amount=10.0 + h) for h in range(5)]
    body = io.BytesIO()
    with gzip.GzipFile(fileobj=body, mode="wb", mtime=0) as f:
        f.write(b"".join(json.dumps(r).encode() + b"\n" for r in records + records[:1]))
    client.put_object(Bucket=bucket, Key=f"{prefix}/raw/transactions/dt={DAY}/validated-transactions+0+0000000000.jsonl.gz",
                      Body=body.getvalue())
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        meta = pool.submit(materialize_on_s3, f"s3://{bucket}/{prefix}").result(timeout=900)
    assert meta["raw_transactions"]["records"] == 6
    assert meta["processed_transactions"]["rows"] == 5 and meta["processed_transactions"]["duplicates_removed"] == 1
    assert meta["sandbox_features"]["rows"] == 5
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix=f"{prefix}/processed/")["Contents"]]
    parquet = [k for k in keys if k.endswith(".parquet")]
    assert parquet
    frame = pd.read_parquet(io.BytesIO(client.get_object(Bucket=bucket, Key=parquet[0])["Body"].read()))
    assert sorted(frame.transaction_id) == sorted(r["transaction_id"] for r in records)
