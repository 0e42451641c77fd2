"""Local-stack manager: provision and run Kafka, Elasticsearch, S3, PostgreSQL, MLflow and Dagster."""
