"""The `lake` resource: the same key for a local directory (embedded) and an S3 bucket."""

from __future__ import annotations

import dagster as dg

from fraud_platform.lake.storage import LakeStorage, LocalLakeStorage, S3LakeStorage


class LakeResource(dg.ConfigurableResource):
    root: str
    s3_endpoint_url: str = ""
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_region: str = "us-east-1"

    @property
    def is_s3(self) -> bool:
        return self.root.startswith("s3://")

    def storage(self) -> LakeStorage:
        if not self.is_s3:
            return LocalLakeStorage(self.root)
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "s3", endpoint_url=self.s3_endpoint_url or None, aws_access_key_id=self.s3_access_key or None,
            aws_secret_access_key=self.s3_secret_key or None, region_name=self.s3_region,
            config=Config(s3={"addressing_style": "path"}),
        )
        return S3LakeStorage(self.root, client)
