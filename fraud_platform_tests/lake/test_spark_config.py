from fraud_platform.lake.fx_rates import rate_to
from fraud_platform.lake.spark.session_config import spark_config, spark_uri
from fraud_platform.settings import Settings

import pytest
from decimal import Decimal


def test_embedded_spark_is_local_and_utc():
    config = spark_config(Settings.from_env({}))
    assert config["spark.master"] == "local[*]"
    assert config["spark.sql.session.timeZone"] == "UTC"
    assert "spark.jars.packages" not in config


def test_s3_lake_configures_s3a_against_the_endpoint():
    config = spark_config(Settings.from_env({"FRAUD_PROFILE": "services", "FRAUD_S3_PORT": "9100"}))
    assert config["spark.jars.packages"] == "org.apache.hadoop:hadoop-aws:3.5.0"
    assert config["spark.hadoop.fs.s3a.endpoint"] == "http://127.0.0.1:9100"
    assert config["spark.hadoop.fs.s3a.path.style.access"] == "true"
    assert spark_uri("s3://fraud-lake/raw") == "s3a://fraud-lake/raw"
    assert spark_uri("/data/lake") == "/data/lake"


def test_fx_rates_cross_through_the_euro():
    usd = rate_to("USD")
    assert usd["USD"] == 1 and usd["EUR"] == Decimal("1.0321")
    assert abs(rate_to("EUR")["USD"] * usd["EUR"] - 1) < Decimal("1e-9")
    with pytest.raises(ValueError, match="FRAUD_REPORTING_CURRENCY='XXX'"):
        rate_to("XXX")
