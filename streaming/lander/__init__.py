"""The lander: validated-transactions → lake raw stage, Kafka Connect S3-sink style, exactly-once files."""
