from __future__ import annotations

from pathlib import Path

import pytest

from fraud_platform.settings import KafkaSettings, Settings, iter_setting_docs, render_env_example

REPO = Path(__file__).resolve().parents[2]


def test_embedded_defaults_need_no_environment():
    s = Settings.from_env({})
    assert s.profile == "embedded"
    assert s.kafka.bootstrap == "127.0.0.1:9092"
    assert s.elasticsearch.url == "http://127.0.0.1:9200"
    assert s.s3.endpoint_url == "http://127.0.0.1:9000"
    assert s.mlflow_tracking_uri.startswith("sqlite:///")


def test_environment_overrides_and_types():
    s = Settings.from_env({"FRAUD_KAFKA_PORT": "19092", "FRAUD_KAFKA_TOPIC_PARTITIONS": "12",
                           "FRAUD_PROFILE": "services", "FRAUD_ES_URL": "http://es:9200"})
    assert s.kafka.bootstrap == "127.0.0.1:19092" and s.kafka.topic_partitions == 12
    assert s.elasticsearch.url == "http://es:9200"
    assert s.mlflow_tracking_uri == "http://127.0.0.1:5000"


def test_bad_values_name_the_variable():
    with pytest.raises(ValueError, match="FRAUD_S3_PORT='x' is not an integer"):
        Settings.from_env({"FRAUD_S3_PORT": "x"})
    with pytest.raises(ValueError, match="FRAUD_PROFILE='prod' is unknown"):
        Settings.from_env({"FRAUD_PROFILE": "prod"})


def test_confluent_cloud_sasl_ssl():
    k = KafkaSettings(bootstrap_servers="pkc-1.example:9092", security_protocol="SASL_SSL",
                      api_key="KEY", api_secret="SECRET")
    assert k.client_config() == {
        "bootstrap.servers": "pkc-1.example:9092", "security.protocol": "SASL_SSL",
        "sasl.mechanism": "PLAIN", "sasl.username": "KEY", "sasl.password": "SECRET",
    }
    with pytest.raises(ValueError, match="FRAUD_KAFKA_API_KEY and FRAUD_KAFKA_API_SECRET"):
        KafkaSettings(security_protocol="SASL_SSL").client_config()


def test_every_setting_has_a_prefixed_variable_and_help():
    docs = list(iter_setting_docs())
    names = [d.env for d in docs]
    assert len(names) == len(set(names))
    assert all(name.startswith("FRAUD_") and d.help for name, d in zip(names, docs))


def test_env_example_is_current():
    assert (REPO / ".env.example").read_text() == render_env_example(), (
        "regenerate: fraud-platform settings env-example > .env.example"
    )


def test_env_example_commits_no_cloud_secret():
    text = render_env_example()
    assert "FRAUD_KAFKA_API_SECRET=\n" in text
