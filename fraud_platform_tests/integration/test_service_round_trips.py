"""A real round trip through each service of the stack (issue: foundation)."""

from __future__ import annotations

import time
import uuid

import psutil
import pytest
import requests
from confluent_kafka.admin import AdminClient

from fraud_platform.stack import smoke
from fraud_platform.stack import topics as kafka_topics
from fraud_platform.stack.s3_server import s3_client

pytestmark = pytest.mark.services


def test_platform_topics_exist_with_configured_partitions(settings):
    topics = AdminClient(settings.kafka.client_config()).list_topics(timeout=10).topics
    for name in (settings.kafka.raw_topic, settings.kafka.validated_topic):
        assert len(topics[name].partitions) == settings.kafka.topic_partitions


def test_kafka_transactional_produce_and_consume(settings):
    assert "transactional produce" in smoke.kafka_round_trip(settings)


def _topic_names(settings) -> set[str]:
    return set(AdminClient(settings.kafka.client_config()).list_topics(timeout=10).topics)


def test_smoke_leaves_no_topic_behind(settings):
    before = {t for t in _topic_names(settings) if t.startswith("smoke-")}
    smoke.kafka_round_trip(settings)
    assert {t for t in _topic_names(settings) if t.startswith("smoke-")} <= before


def test_deleted_topics_are_gone(settings):
    # A delete from a client collected before its answer used to fail silently and keep the topic.
    config = settings.kafka.client_config()
    names = [f"cleanup-{uuid.uuid4().hex[:8]}" for _ in range(2)]
    kafka_topics.create_topics(config, names, partitions=2)
    assert set(names) <= _topic_names(settings)
    assert kafka_topics.delete_topics(config, names) == {}
    deadline = time.monotonic() + 10  # the controller has deleted them; the broker's metadata follows
    while set(names) & _topic_names(settings) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not set(names) & _topic_names(settings)
    assert kafka_topics.delete_topics(config, names) == {}  # already gone: nothing to report


def test_kafka_aborted_transaction_is_invisible_to_read_committed(settings):
    from confluent_kafka import Consumer, Producer, TopicPartition

    config = settings.kafka.client_config()
    topic = f"abort-{uuid.uuid4().hex[:8]}"
    kafka_topics.create_topics(config, [topic], partitions=1)
    producer = Producer({**config, "transactional.id": f"t-{uuid.uuid4()}"})
    producer.init_transactions(30)
    producer.begin_transaction()
    producer.produce(topic, b"aborted")
    producer.abort_transaction(30)
    producer.begin_transaction()
    producer.produce(topic, b"committed")
    producer.commit_transaction(30)
    consumer = Consumer({**config, "group.id": f"g-{uuid.uuid4()}", "isolation.level": "read_committed"})
    consumer.assign([TopicPartition(topic, 0, 0)])
    seen = []
    for _ in range(30):
        message = consumer.poll(1.0)
        if message is not None and message.error() is None:
            seen.append(message.value())
            if message.value() == b"committed":
                break
    consumer.close()
    kafka_topics.delete_topics(config, [topic])
    assert seen == [b"committed"]


def test_elasticsearch_index_and_search(settings):
    assert "server 9." in smoke.elasticsearch_round_trip(settings)


def test_python_client_major_matches_server(settings):
    import elasticsearch

    server = requests.get(f"{settings.elasticsearch.url}/_nodes/_local", timeout=10).json()
    version = next(iter(server["nodes"].values()))["version"]
    assert version.split(".")[0] == str(elasticsearch.__versionstr__).split(".")[0]


def test_s3_put_and_get(settings):
    assert smoke.s3_round_trip(settings).startswith("put + get")


def test_s3_buckets_provisioned(settings):
    names = {b["Name"] for b in s3_client(settings.s3).list_buckets()["Buckets"]}
    assert {settings.s3.lake_bucket, settings.s3.mlflow_bucket} <= names


def test_postgres_sql(settings):
    assert "select" in smoke.postgres_round_trip(settings)


def test_mlflow_server_stores_artifacts_in_s3(settings):
    detail = smoke.mlflow_round_trip(settings)
    run_prefix = detail.split()[1]
    assert "mlflow-artifacts:/" in detail  # proxied: the client needed no S3 credentials
    keys = [o["Key"] for page in s3_client(settings.s3).get_paginator("list_objects_v2").paginate(
        Bucket=settings.s3.mlflow_bucket) for o in page.get("Contents", [])]
    assert any(run_prefix in key and key.endswith("smoke.txt") for key in keys), keys


def test_mlflow_backend_store_is_postgres(settings):
    import psycopg2

    pg = settings.postgres
    with psycopg2.connect(host=pg.host, port=pg.port, user=pg.user, password=pg.password,
                          dbname=pg.mlflow_db) as conn, conn.cursor() as cur:
        cur.execute("select count(*) from experiments where name = 'stack-smoke'")
        assert cur.fetchone()[0] == 1


def test_dagster_definitions_load_and_asset_materializes(settings):
    assert "platform_health materialized" in smoke.dagster_round_trip(settings)


def test_dagster_webserver_lists_the_assets_and_checks(settings):
    query = """{ assetNodes { assetKey { path }
                 assetChecksOrError { ... on AssetChecks { checks { name blocking } } } } }"""
    url = f"http://{settings.dagster.host}:{settings.dagster.port}/graphql"
    nodes = requests.post(url, json={"query": query}, timeout=60).json()["data"]["assetNodes"]
    by_key = {"/".join(n["assetKey"]["path"]): n for n in nodes}
    from fraud_platform.definitions import defs

    expected = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert expected <= set(by_key)
    checks = {c["name"]: c["blocking"] for c in by_key["fct_transactions"]["assetChecksOrError"]["checks"]}
    assert checks.get("contract_expectations") is True


def test_dagster_webserver_and_daemon_share_the_stacks_code_server(settings):
    """One long-lived code server: the webserver and daemon spawn none of their own (the daemon
    would otherwise start a new one, re-importing the code location, every minute)."""
    query = "{ workspaceOrError { ... on Workspace { locationEntries { name displayMetadata { key value } } } } }"
    url = f"http://{settings.dagster.host}:{settings.dagster.port}/graphql"
    entries = requests.post(url, json={"query": query}, timeout=60).json()["data"]["workspaceOrError"]["locationEntries"]
    metadata = {e["name"]: {m["key"]: m["value"] for m in e["displayMetadata"]} for e in entries}
    assert metadata["fraud_platform"]["port"] == str(settings.dagster.code_server_port)
    spawned = []
    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if "dagster api grpc" in command or "dagster.api grpc" in command:
            try:
                parent = " ".join(process.parent().cmdline())
            except (psutil.Error, AttributeError):
                continue
            if "dagster-daemon" in parent or "dagster-webserver" in parent:
                spawned.append(command)
    assert spawned == []
