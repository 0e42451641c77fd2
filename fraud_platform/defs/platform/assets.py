"""Stack health as an asset: materialize it to see that the streaming services answer."""

from __future__ import annotations

import dagster as dg

from fraud_platform.resources import ElasticsearchResource, KafkaResource


@dg.asset(
    group_name="platform",
    kinds={"kafka", "elasticsearch"},
    description="Reachability of Kafka and Elasticsearch, with topic partitions and cluster status.",
)
def platform_health(kafka: KafkaResource, elasticsearch: ElasticsearchResource) -> dg.MaterializeResult:
    try:
        topics = kafka.describe_topics()
    except Exception as exc:  # the Kafka client raises its own KafkaException
        raise dg.Failure(
            f"Kafka at {kafka.bootstrap_servers} is unreachable ({exc}); start it with "
            "`fraud-platform stack up` or fix FRAUD_KAFKA_BOOTSTRAP_SERVERS"
        ) from exc
    es = elasticsearch.client()
    try:
        health = es.cluster.health()
        # The node's own info: GET / is not served by the integ-test distribution.
        version = next(iter(es.nodes.info(node_id="_local")["nodes"].values()))["version"]
    except Exception as exc:
        raise dg.Failure(
            f"Elasticsearch at {elasticsearch.url} is unreachable ({exc}); start it with "
            "`fraud-platform stack up` or fix FRAUD_ES_URL"
        ) from exc
    return dg.MaterializeResult(
        metadata={
            "kafka_topics": dg.MetadataValue.json(topics),
            "elasticsearch_status": health["status"],
            "elasticsearch_version": version,
        }
    )
